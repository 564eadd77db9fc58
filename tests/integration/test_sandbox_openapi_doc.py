"""docs/wallet-api.md and the OpenAPI the sandbox serves describe the same API: the same
endpoints (path + method) and, for every message, the same required fields."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.sandbox_fixtures import RunningSandbox

DOC = Path(__file__).resolve().parents[2] / "docs" / "wallet-api.md"
FASTAPI_OWN = {"HTTPValidationError", "ValidationError"}
ENUMS_DOCUMENTED_AS_VALUES = {"ChargeStatus", "DeclineCode", "StepUpMethod", "KeyAlg", "RefundStatus"}


def doc_endpoints(text: str) -> set[tuple[str, str]]:
    return {(m, p) for m, p in re.findall(r"^### `(GET|POST|PUT|PATCH|DELETE) (/\S+?)`$", text, re.M)}


def doc_messages(text: str) -> dict[str, set[str]]:
    """Message name -> its required fields, from each '#### Name' table."""
    messages: dict[str, set[str]] = {}
    for name, table in re.findall(r"^#### (\w+)\n\n((?:\|.*\n)+)", text, re.M):
        rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in table.splitlines()[2:]]
        messages[name] = {row[0] for row in rows if row[2] == "yes"}
    return messages


@pytest.fixture
def openapi(sandbox_server: RunningSandbox) -> dict:
    r = httpx.get(sandbox_server.url + "/openapi.json")
    assert r.status_code == 200
    return r.json()


def test_same_endpoints(openapi: dict) -> None:
    served = {(method.upper(), path) for path, ops in openapi["paths"].items() for method in ops}
    documented = doc_endpoints(DOC.read_text(encoding="utf-8"))
    assert len(documented) >= 9
    assert documented == served


def test_same_required_fields(openapi: dict) -> None:
    schemas = {name: s for name, s in openapi["components"]["schemas"].items()
               if name not in FASTAPI_OWN and name not in ENUMS_DOCUMENTED_AS_VALUES}
    documented = doc_messages(DOC.read_text(encoding="utf-8"))
    assert set(documented) == set(schemas)
    for name, schema in schemas.items():
        assert documented[name] == set(schema.get("required", [])), name
        assert set(schema["properties"]) >= documented[name]


def test_documented_codes_exist(openapi: dict) -> None:
    """Every decline and problem code the models define is explained in the document."""
    from terminal.wallet.messages import DeclineCode, ProblemCode

    text = DOC.read_text(encoding="utf-8")
    for code in [*DeclineCode, *ProblemCode]:
        assert f"`{code.value}`" in text, code
    assert set(openapi["components"]["schemas"]["DeclineCode"]["enum"]) == {c.value for c in DeclineCode}


def test_all_fields_documented(openapi: dict) -> None:
    text = DOC.read_text(encoding="utf-8")
    tables = dict(re.findall(r"^#### (\w+)\n\n((?:\|.*\n)+)", text, re.M))
    for name, table in tables.items():
        fields = {line.strip().strip("|").split("|")[0].strip() for line in table.splitlines()[2:]}
        assert fields == set(openapi["components"]["schemas"][name]["properties"]), name
