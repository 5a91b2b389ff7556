"""tests/vectors/errors.json against the installed wheel: every failing call raises the
class of its family with the core's code, exactly the listed details (camelCase in
``.details``, snake_case attributes), ``str(e) == "[code] message"``, and no secret."""

from __future__ import annotations

from typing import Any, Callable, Dict

import pytest

from conftest import load_vectors
from pictify_keys import (
    ApiKey,
    AuditEvent,
    DotEnv,
    KeyEnvironmentError,
    KeyFormatError,
    KeySourceError,
    PictifyHTTPError,
    PictifyInputError,
    PictifyKeyError,
    check_environment,
    detect_environment,
    load_keys,
    redact,
)

DOC = load_vectors("errors.json")
CLASSES = {
    "format": KeyFormatError,
    "environment": KeyEnvironmentError,
    "source": KeySourceError,
    "http": PictifyHTTPError,
    "input": PictifyInputError,
}
# Calls the Python package does not have (reported as skipped, not passed).
MISSING = {"allowlist": "the allow-list parser is in the CLI and the Rust core only"}


def _call(case: Dict[str, Any]) -> Callable[[], object]:
    call, arg = case["call"], case.get("input")
    if call == "parse":
        return lambda: ApiKey.parse(arg)
    if call == "check":
        return lambda: check_environment(ApiKey.parse(case["key"]), detect_environment(case["env"]))
    if call == "dotenv":
        return lambda: DotEnv.parse(arg)
    if call == "load":
        return lambda: load_keys(case["env"])
    if call == "audit_key_id":
        return lambda: AuditEvent(action="image.create", key=arg, endpoint="/image", method="POST", status=200)
    if call == "redact_style":
        return lambda: redact("text", style=arg)
    raise AssertionError(f"unknown call {call}")


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


@pytest.mark.parametrize("case", DOC["cases"], ids=lambda c: c["name"])
def test_error_vector(case: Dict[str, Any]) -> None:
    if case["call"] in MISSING:
        pytest.skip(MISSING[case["call"]])
    with pytest.raises(PictifyKeyError) as info:
        _call(case)()
    err = info.value
    assert type(err) is CLASSES[case["family"]]
    assert (err.code, err.family) == (case["code"], case["family"])
    assert err.details == case["details"]
    for name in DOC["detailNames"]:
        snake = _snake(name)
        assert getattr(err, snake) == case["details"].get(name, getattr(type(err), snake)), name
    assert str(err) == f"[{err.code}] {err.message}"
    if "secret" in case:
        assert case["secret"] not in str(err) and case["secret"] not in repr(err)
