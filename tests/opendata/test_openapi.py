"""/api/openapi.json describes the public endpoints as they behave."""

import pytest

from django.urls import Resolver404, resolve

from finder.forms import FinderForm
from opendata.api import PracticesAPIViewSet
from opendata.openapi import IGNORED_PARAMETERS, openapi_document

DOCUMENT = openapi_document()


def parameters(path: str, method: str = "get") -> dict[str, dict]:
    return {p["name"]: p for p in DOCUMENT["paths"][path][method]["parameters"]}


def invalid_value(parameter: dict) -> str:
    """A value the endpoint must refuse, from the documented schema alone."""
    schema = parameter["schema"]
    if schema.get("type") == "array":
        return "no-such-value"
    if "enum" in schema:
        return "no-such-value"
    if schema.get("type") in ("integer", "number"):
        return "two"
    if "maxLength" in schema:
        return "x" * (schema["maxLength"] + 1)
    if schema.get("$ref", "").endswith("CountryCode"):
        return "XX"
    raise AssertionError(f"no invalid value for {parameter}")


def test_the_document_is_served_in_english_to_anyone(client):
    response = client.get("/api/openapi.json", headers={"accept-language": "pl"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["openapi"] == "3.1.0"
    assert data["info"]["license"]["name"] == "CC BY 4.0"
    assert data == DOCUMENT  # the same document whatever the language asked for
    assert parameters("/api/search/")["theme"]["description"].startswith("Theme:")


def test_every_documented_path_is_routed_to_a_view_of_ours():
    for path in DOCUMENT["paths"]:
        url = path.replace("{id}", "1").replace("{page_id}", "1")
        try:
            match = resolve(url)
        except Resolver404:
            pytest.fail(f"{path} is not routed")
        assert match.url_name != "wagtail_serve", path


def test_every_reference_resolves():
    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = set(refs(DOCUMENT))
    assert "#/components/responses/TooMany" in found
    for ref in found:
        _hash, kind, name = ref.split("/")[1:]
        assert name in DOCUMENT["components"][kind], ref


def test_every_json_operation_documents_400_405_and_429_with_retry_after():
    too_many = DOCUMENT["components"]["responses"]["TooMany"]
    assert "Retry-After" in too_many["headers"]
    for path, item in DOCUMENT["paths"].items():
        for operation in item.values():
            assert {"405", "429"} <= set(operation["responses"]), path
            if operation["parameters"] and path != "/api/search/suggest/":
                assert "400" in operation["responses"], path


@pytest.mark.parametrize(
    "path", ["/api/search/", "/map/data.json", "/export/practices.csv", "/finder/api/"]
)
def test_each_documented_parameter_is_validated_with_its_own_message(client, partners, path):
    """The document lists what the code validates: a bad value for any documented parameter
    gets a 400 naming that parameter."""
    for name, parameter in parameters(path).items():
        if parameter["schema"].get("type") == "boolean":
            continue  # a check box: any value ticks it
        response = client.get(path, {name: invalid_value(parameter)})
        assert response.status_code == 400, (path, name)
        body = response.json()
        assert body["error"] and name in body["errors"], (path, name, body)


def test_the_practices_listing_documents_every_parameter_it_takes(client, partners):
    documented = set(parameters("/api/v2/practices/"))
    assert documented == PracticesAPIViewSet.known_query_parameters - IGNORED_PARAMETERS
    for name in sorted(documented - {"fields", "format", "rich_text_format"}):
        parameter = parameters("/api/v2/practices/")[name]
        response = client.get("/api/v2/practices/", {name: invalid_value(parameter)})
        assert response.status_code == 400, name
        assert response.json()["message"], name
    refused = client.get("/api/v2/practices/", {"order": "title"})
    assert refused.status_code == 400 and "order" in refused.json()["message"]


def test_the_finder_and_the_contact_form_are_described_from_their_forms():
    assert list(parameters("/finder/api/")) == list(FinderForm.base_fields)
    population = parameters("/finder/api/")["population"]["schema"]
    assert population == {"type": "integer", "minimum": 1, "maximum": 2_000_000_000}
    body = DOCUMENT["paths"]["/practices/{page_id}/contact/"]["post"]["requestBody"]
    schema = body["content"]["application/x-www-form-urlencoded"]["schema"]
    assert {"kind", "name", "email", "message", "consent", "website"} <= set(schema["properties"])
    assert set(schema["required"]) == {"kind", "name", "email", "message", "consent"}
    assert schema["properties"]["message"]["maxLength"] == 5000
