import pytest

from kb.text import html_to_plain, plain_to_html


@pytest.mark.parametrize(
    "text",
    [
        "One paragraph.",
        "First paragraph.\n\nSecond paragraph\nwith a line break.",
        "Intro:\n\n- first point\n- second point\n\nClosing <b>not markup</b> & more.",
        "",
    ],
)
def test_plain_text_survives_the_round_trip(text):
    assert html_to_plain(plain_to_html(text)) == text


def test_plain_text_is_escaped():
    assert plain_to_html("<script>x</script>") == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


def test_rich_text_from_the_editor_becomes_readable_text():
    html = '<p>Read <a href="https://example.org">the <b>report</b></a>.</p><ol><li>one</li><li>two</li></ol>'
    assert html_to_plain(html) == "Read the report.\n\n- one\n- two"
