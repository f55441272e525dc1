"""Generated requests to every operation of /api/openapi.json get no server error.

Hypothesis draws each request from the operation's documented parameters (tests/fuzz/
strategies.py) and sends it through Django's test client to the real views on PostgreSQL. Every
answer must be below 500; a 4xx must say what is wrong (a JSON `error` or `message`, or an HTML
page); a 2xx must be what the document promises (JSON with its required keys, an export that
streams to the end). Counts: docs/fuzzing.md; `make fuzz` runs the long profile.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings

from kb.models import FundingSource
from opendata.openapi import openapi_document
from tests.fuzz import strategies as fz
from tests.fuzz.conftest import PRODUCTION_LIMITS, Surface

DOCUMENT = openapi_document()
COMPONENTS = DOCUMENT["components"]
OPERATIONS = [(path, method) for path, item in DOCUMENT["paths"].items() for method in item]
BAD_PATH_IDS = ["abc", "-1", "1.0", "²", "%00", "%ED%A0%80", "1%2F2", "0"]

SENT: Counter[str] = Counter()
STATUSES: dict[str, Counter[int]] = defaultdict(Counter)


@dataclass
class Fuzzed:
    method: str
    path: str
    query: str = ""  # as WSGI passes it: the bytes sent, read as Latin-1
    body: bytes = b""
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    enforce_csrf: bool = False
    tight_limits: bool = False  # the production scopes at one request an hour


def path_ids(path: str, surface: Surface, hostile: bool) -> list[int]:
    """Ids of the kind the path serves; when hostile, of other kinds and of a draft too."""
    if path.startswith("/api/v2/partners/"):
        return [*surface.partner_ids, *([surface.practice_ids[0]] if hostile else [])]
    return [*surface.practice_ids, *([surface.draft_id, surface.other_page_id] if hostile else [])]


def body_pairs(schema: dict, vocabulary: fz.Vocabulary, hostile: bool):
    """The contact form's fields: each present (absent or repeated when hostile); the honeypot
    empty unless hostile."""
    strategies = []
    for name, prop in schema["properties"].items():
        if name == "website":
            filled = st.lists(fz.hostile_text, max_size=1) if hostile else st.nothing()
            values = st.one_of(st.just([]), st.just([""]), filled)
        elif name == "csrfmiddlewaretoken":
            values = st.lists(fz.hostile_text, max_size=1) if hostile else st.just([])
        else:
            value = fz.for_schema(prop, name, vocabulary, COMPONENTS, hostile)
            once = st.lists(value, min_size=1, max_size=1)
            values = st.one_of(once, st.lists(value, max_size=3)) if hostile else once
        strategies.append(values.map(lambda vs, name=name: [(name, v) for v in vs]))
    return st.tuples(*strategies).map(lambda groups: [pair for group in groups for pair in group])


@st.composite
def requests(draw, path: str, method: str, surface: Surface) -> Fuzzed:
    operation = DOCUMENT["paths"][path][method]
    vocabulary = fz.Vocabulary(surface.vocabulary, surface.practice_ids + surface.partner_ids)
    # Half the requests are well formed, to get past validation into the engines and forms.
    hostile = draw(st.booleans(), label="hostile")
    url, pairs = path, []
    for parameter in operation["parameters"]:
        name = parameter["name"]
        if parameter["in"] == "path":
            real = st.sampled_from(path_ids(path, surface, hostile)).map(str)
            made_up = st.one_of(
                st.integers(min_value=0, max_value=10**25).map(str), st.sampled_from(BAD_PATH_IDS)
            )
            url = url.replace("{" + name + "}", draw(st.one_of(real, made_up) if hostile else real))
            continue
        values = draw(fz.parameter_values(parameter, vocabulary, COMPONENTS, hostile))
        pairs += [(name, value) for value in values]
    if hostile:
        pairs += draw(fz.unknown_parameters)
    query = fz.query_string(draw(st.permutations(pairs)))
    if hostile and draw(fz.one_in(5)):
        raw = draw(fz.raw_query)
        query = draw(st.sampled_from([raw, f"{query}&{raw}"]))

    request = Fuzzed(method.upper(), url, query)
    if draw(fz.one_in(10)):
        request.method = draw(st.sampled_from(fz.WRONG_METHODS))
    if "requestBody" in operation and request.method == "POST":
        schema = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
        fields = draw(body_pairs(schema, vocabulary, hostile))
        encoding = "form"
        if hostile:
            encoding = draw(st.sampled_from(["form", "multipart", "json", "bytes"]))
        if encoding == "form":
            request.body = fz.query_string(fields).encode("ascii")
            request.content_type = "application/x-www-form-urlencoded"
        elif encoding == "multipart":
            request.body = fz.multipart(fields)
            request.content_type = "multipart/form-data; boundary=fuzzboundary"
        elif encoding == "json":
            request.body = json.dumps(dict(fields)).encode("utf-8", "surrogatepass")
            request.content_type = "application/json"
        else:
            request.body = draw(st.binary(max_size=200))
            request.content_type = draw(st.sampled_from(fz.BODY_TYPES))
        request.enforce_csrf = hostile and draw(fz.one_in(5))
    elif request.method != "GET" and draw(st.booleans()):
        request.body = draw(st.binary(min_size=1, max_size=100))
        request.content_type = draw(st.sampled_from(fz.BODY_TYPES))

    if hostile and draw(st.booleans()):
        request.headers["HTTP_ACCEPT_LANGUAGE"] = fz.as_header(draw(fz.header_text))
    if hostile and draw(st.booleans()):
        request.headers["HTTP_ACCEPT"] = draw(fz.accept)
    if hostile and draw(fz.one_in(5)):
        request.headers["HTTP_COOKIE"] = "django_language=" + fz.as_header(draw(fz.header_text))
    # Every example from its own address: the contact form counts requests per address.
    request.headers["REMOTE_ADDR"] = str(draw(st.ip_addresses()))
    request.tight_limits = draw(fz.one_in(20))
    return request


def send(client: Client, request: Fuzzed):
    response = client.generic(
        request.method,
        request.path,
        data=request.body,
        content_type=request.content_type or "application/octet-stream",
        QUERY_STRING=request.query,
        **request.headers,
    )
    if response.streaming:  # an export fails while it streams, not before
        response.body = b"".join(response.streaming_content)
    else:
        response.body = response.content
    return response


def check(response, request: Fuzzed, operation: dict, documented_method: str) -> None:
    status = response.status_code
    context = f"{request.method} {request.path}?{request.query[:300]!r} -> {status}: {response.body[:500]!r}"
    assert status < 500, context
    content_type = response.get("Content-Type", "")
    if status >= 400:
        if request.method == "HEAD":  # the headers only
            pass
        elif content_type.startswith("application/json"):
            data = json.loads(response.body)
            message = data.get("error") or data.get("message")
            assert isinstance(message, str) and message.strip(), context
            for text in (data.get("errors") or {}).values():
                assert isinstance(text, str) and text.strip(), context
        else:
            assert content_type.startswith("text/html") and b"<h1" in response.body, context
        if status == 405:
            assert response["Allow"], context
        if status == 429:
            assert int(response["Retry-After"]) >= 1, context
        return
    if request.method != documented_method or not 200 <= status < 300:
        return
    if content_type.startswith(("application/json", "application/geo+json")):
        data = json.loads(response.body)
        media = next(iter(operation["responses"]["200"].get("content", {}).values()), {})
        schema = resolve(media.get("schema", {}))
        missing = [key for key in schema.get("required", []) if key not in data]
        assert not missing, f"{context}: missing {missing}"
    elif content_type.startswith("application/x-ndjson"):
        for line in response.body.decode().splitlines():
            assert isinstance(json.loads(line), dict), context
    elif content_type.startswith("text/csv"):
        assert response.body.decode().startswith("\ufeffurl,"), context


def resolve(schema: dict) -> dict:
    if "$ref" in schema:
        return COMPONENTS["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


@pytest.fixture
def vocabulary_with_funding(surface: Surface) -> Surface:
    surface.vocabulary["funding"] = list(FundingSource.objects.values_list("slug", flat=True))
    return surface


@given(data=st.data())
def test_no_request_gets_a_server_error(vocabulary_with_funding, data):
    """One test for every operation: the data is made once (in a minute), not per operation."""
    surface = vocabulary_with_funding
    path, method = data.draw(st.sampled_from(OPERATIONS), label="operation")
    operation = DOCUMENT["paths"][path][method]
    request = data.draw(requests(path, method, surface))
    note(repr(request))
    client = Client(enforce_csrf_checks=request.enforce_csrf)
    key = f"{method.upper()} {path}"
    cache = caches[settings.RATE_LIMIT_CACHE]
    tight = dict.fromkeys(PRODUCTION_LIMITS, (1, 3600)) if request.tight_limits else None
    with transaction.atomic(), override_settings(**({"RATE_LIMITS": tight} if tight else {})):
        cache.clear()
        try:
            for _attempt in range(2 if tight else 1):  # with tight limits, the second is over
                response = send(client, request)
                SENT[key] += 1
                STATUSES[key][response.status_code] += 1
                check(response, request, operation, method.upper())
        finally:
            transaction.set_rollback(True)  # each example starts from the same data
            cache.clear()
