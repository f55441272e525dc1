"""Plain text <-> the rich text Wagtail stores, for the JSON Lines import/export.

Plain text convention: a blank line separates paragraphs; a paragraph whose lines all start
with "- " is a bullet list. Converting plain -> HTML -> plain gives back the same text.
"""

from __future__ import annotations

import re
from html import escape

from bs4 import BeautifulSoup, NavigableString, Tag

BULLET = "- "


def normalise_plain(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain_to_html(text: str) -> str:
    blocks = []
    for paragraph in normalise_plain(text).split("\n\n"):
        if not paragraph:
            continue
        lines = paragraph.split("\n")
        if all(line.startswith(BULLET) for line in lines):
            items = "".join(f"<li>{escape(line[len(BULLET) :].strip())}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append("<p>" + "<br/>".join(escape(line) for line in lines) + "</p>")
    return "".join(blocks)


def html_to_plain(html: str) -> str:
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")
    blocks = []
    for node in soup.children:
        if isinstance(node, NavigableString):
            if node.strip():
                blocks.append(node.strip())
        elif node.name in ("ul", "ol"):
            items = [_inline_text(li) for li in node.find_all("li", recursive=False)]
            blocks.append("\n".join(BULLET + item for item in items if item))
        else:
            blocks.append(_inline_text(node))
    return normalise_plain("\n\n".join(block for block in blocks if block))


def _inline_text(node: Tag) -> str:
    parts = []
    for child in node.descendants:
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif child.name == "br":
            parts.append("\n")
    return "\n".join(line.strip() for line in "".join(parts).split("\n")).strip()
