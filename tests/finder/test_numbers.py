"""Numbers typed in the finder as people write them in the network's countries."""

import pytest

from finder.forms import FteField, WholeNumberField


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("250000", 250_000),
        ("250 000", 250_000),  # pl, fr, bg, lv, ...
        ("250\u00a0000", 250_000),  # a no-break space, as Django's own formats write it
        ("250,000", 250_000),  # en
        ("250.000", 250_000),  # es, nl, ro, hu, ... (not 250)
        ("1.234.567", 1_234_567),
        ("250'000", 250_000),
    ],
)
def test_whole_numbers_with_any_thousands_separator(typed, number):
    assert WholeNumberField().clean(typed) == number


@pytest.mark.parametrize(("typed", "number"), [("2,5", "2.5"), ("2.5", "2.5"), (" 3 ", "3")])
def test_full_time_equivalents_with_a_decimal_comma_or_point(typed, number):
    assert str(FteField().clean(typed)) == number
