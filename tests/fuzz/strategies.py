"""Hostile HTTP requests for the operations of the OpenAPI document (opendata/openapi.py).

Each documented parameter gets values that fit its schema (real slugs, ids and numbers in
range, so that requests get past validation and reach the engines) mixed with values that do
not: huge and empty strings, NUL bytes and lone surrogates, tsquery and Lucene operators,
repeated parameters, negative and huge numbers, digits Python's `int()` refuses, unknown
facet values. Some requests get a wrong method, a body with an odd content type, odd headers,
or a query string that is not valid percent-encoded UTF-8 at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from typing import Any
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

# tsquery (& | ! : * ( ) <->), Lucene / query_string (+ - && || ! ( ) { } [ ] ^ " ~ * ? : \ /)
METACHARACTERS = "&|!:*()\"'\\~^[]{}/-+?<>"
ODD_CHARACTERS = [
    "\x00", "\ud800", "\udfff", "\udc80", "\t", "\n", "\r", "\x0b", "\x1f", "\x7f", " ", "%",
    "#", "=", ";", ",", ".", "\u200b", "\ufeff", "\u202e", "\u0301", "ß", "İ", "ﬁ", "😀", "\uffff",
]  # fmt: skip
OPERATOR_WORDS = [
    "AND", "OR", "NOT", "NEAR", "TO", ":*", "<->", "<2>", "*:*", "title:housing", "housing~2",
    "hous*", "?", "a^3", "/re.*gex/", "[1 TO 5]", "{a TO b}", '"housing', 'first"', "-", "--",
    "-\"", "!!", "&&", "||", "\\", "_all:x", "@@", "$1", "%s", "'; DROP TABLE x; --",
]  # fmt: skip
WORDS = ["housing", "first", "social", "cooperative", "canteens", "older", "people", "rough"]
NUMBERS = [
    "0", "-1", "-0", "+1", "1.5", "2,5", "1e3", "1e400", "NaN", "inf", "-inf", "0x1A", "1_000",
    "²", "٣", "１２", "Ⅻ", " 7 ", "07", "0" * 30 + "1", "9" * 20, "9" * 5000, "2147483648",
    "9223372036854775808", "-9223372036854775809", "1 000", "250.000", "250,000", "250'000",
]  # fmt: skip
HUGE = [501, 5_001, 20_000]

odd_character = st.one_of(
    st.sampled_from(list(METACHARACTERS) + ODD_CHARACTERS),
    st.characters(codec=None, exclude_categories=()),  # any code point, surrogates too
)
hostile_text = st.one_of(
    st.just(""),
    st.text(odd_character, max_size=12),
    st.lists(
        st.one_of(st.sampled_from(WORDS + OPERATOR_WORDS), st.text(odd_character, max_size=4)),
        max_size=8,
    ).map(" ".join),
    st.text(max_size=40),
    st.builds(
        lambda piece, times: piece * times,
        st.one_of(st.sampled_from(WORDS), st.text(odd_character, min_size=1, max_size=3)),
        st.sampled_from(HUGE).map(lambda n: n // 3),
    ),
)
hostile_number = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers().map(str),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(str),
)


def in_range(schema: dict[str, Any], name: str, margin: int = 0) -> st.SearchStrategy[str]:
    """Numbers within the documented bounds (and `margin` past them); a page of the first few,
    so that a valid request is not always past the last page."""
    low = int(schema.get("minimum", -(10**6)))
    high = int(schema.get("maximum", 10**6))
    if name == "page":
        high = 3
    elif name not in ("year_from", "year_to", "population", "budget"):
        high = min(high, 10_000)
    around = st.integers(min_value=low - margin, max_value=high + margin)
    if schema.get("type") == "number":
        return st.one_of(around.map(str), st.decimals(low, high, places=1).map(str))
    return around.map(str)


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True about once in `n` draws. (A bounded integer drawn by Hypothesis is often one of its
    bounds, so the test is on a value in the middle.)"""
    return st.integers(0, 10 * n - 1).map(lambda k: 5 * n <= k < 5 * n + 10)


@dataclass
class Vocabulary:
    """Real values the requests may use: facet values by facet name, ids."""

    values: dict[str, list[str]]
    ids: list[int] = field(default_factory=list)


ID_PARAMETERS = ("practice", "page_id", "id", "child_of", "translation_of")


def valid_value(schema: dict[str, Any], name: str, vocabulary: Vocabulary):
    """A value the endpoint should accept (it may still be out of range for other reasons,
    such as a year range upside down)."""
    kind = schema.get("type")
    if "enum" in schema:
        return st.sampled_from([str(value) for value in schema["enum"]])
    if "examples" in schema:
        return st.sampled_from([str(value) for value in schema["examples"]])
    if kind in ("integer", "number"):
        if name in ID_PARAMETERS:
            return st.sampled_from(vocabulary.ids).map(str)
        return in_range(schema, name)
    if kind == "boolean":
        return st.sampled_from(["true", "false"])
    if schema.get("format") == "date":  # a study visit is in the next two years
        today = date.today()
        return st.dates(today + timedelta(days=1), today + timedelta(days=700)).map(str)
    if schema.get("format") == "date-time":
        return st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat())
    if schema.get("format") == "email":
        return st.emails()
    if schema.get("pattern") == "^[A-Za-z]{2}$":
        return st.sampled_from(["PL", "pl", "BE", "GB", "Lv"])
    known = vocabulary.values.get(name)  # facet values, by parameter name
    if known:
        return st.sampled_from(known)
    words = st.lists(st.sampled_from(WORDS + OPERATOR_WORDS), min_size=1, max_size=6)
    return words.map(" ".join).map(lambda text: text[: schema.get("maxLength", 500)])


def invalid_value(schema: dict[str, Any], name: str, vocabulary: Vocabulary):
    kind = schema.get("type")
    if "enum" in schema:
        return st.one_of(valid_value(schema, name, vocabulary).map(str.upper), hostile_text)
    if kind in ("integer", "number"):
        return st.one_of(in_range(schema, name, margin=2), hostile_number, hostile_text)
    if schema.get("format") == "date":
        return st.one_of(st.sampled_from(["2026-02-30", "0000-00-00", "31/12/2026"]), hostile_text)
    if schema.get("pattern") == "^[A-Za-z]{2}$":
        return st.one_of(st.sampled_from(["XX", "ZZZ", "P", "\u0050L"]), hostile_text)
    return hostile_text


def for_schema(
    schema: dict[str, Any], name: str, vocabulary: Vocabulary, components: dict, hostile: bool
):
    """Strings for one query parameter or form field: valid ones, and when `hostile` a mix of
    valid and invalid ones."""
    if "$ref" in schema:
        ref_name = schema["$ref"].rsplit("/", 1)[-1]
        schema = components["schemas"][ref_name]
    valid = valid_value(schema, name, vocabulary)
    if not hostile:
        return valid
    return st.one_of(valid, invalid_value(schema, name, vocabulary))


def parameter_values(parameter: dict, vocabulary: Vocabulary, components: dict, hostile: bool):
    """Absent, once, or (when hostile) repeated; a list parameter takes several values."""
    schema, name = parameter["schema"], parameter["name"]
    if schema.get("type") == "array":
        item = for_schema(schema["items"], name, vocabulary, components, hostile)
        return st.lists(item, max_size=4 if hostile else 2)
    value = for_schema(schema, name, vocabulary, components, hostile)
    once = st.lists(value, min_size=1, max_size=1)
    return (
        st.one_of(st.just([]), once, st.lists(value)) if hostile else st.one_of(st.just([]), once)
    )


def encode(text: str) -> str:
    """Percent-encoded UTF-8; a lone surrogate goes as the bytes a careless client sends."""
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


def query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)


raw_query = st.one_of(  # not what any encoder writes: broken escapes, raw bytes, no `=`
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
    st.sampled_from(["%", "%zz", "q=%", "q=%E2%82", "q=%ED%A0%80", "&&&", "=x", "q", "q==="]),
)
unknown_parameters = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(["search", "order", "type", "x"]), hostile_text), hostile_text
    ),
    max_size=2,
)
header_text = st.one_of(
    st.sampled_from(["", "pl", "pl-PL,pl;q=0.9", "*", "xx-YY", "en;q=x"]), hostile_text
)
accept = st.sampled_from(
    ["application/json", "text/html", "*/*", "application/xml", "text/html;q=x", "", "\x00"]
)
WRONG_METHODS = ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "BREW"]
BODY_TYPES = [
    "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x",
    "application/json", "text/plain; charset=utf-16", "application/octet-stream",
    "application/x-www-form-urlencoded; charset=latin-1", "application/x-www-form-urlencoded; charset=nope",
]  # fmt: skip


def as_header(text: str) -> str:
    """A header value as WSGI passes it: the bytes sent, read as Latin-1."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def multipart(pairs: list[tuple[str, str]], boundary: str = "fuzzboundary") -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in pairs
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode("utf-8", "surrogatepass")
