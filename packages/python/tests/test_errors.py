"""Exceptions built by the native module (without running `__init__`, for speed) are exactly
what their Python class's `__init__` builds: same type, args, str, attributes and pickling."""

from __future__ import annotations

import pickle
from typing import Any, Callable, Dict, List

import pytest

from conftest import load_vectors
from pictify_keys import (
    ApiKey,
    KeyEnvironmentError,
    KeyFormatError,
    KeySourceError,
    PictifyKeyError,
    check_mode,
    detect_environment,
    load_keys,
)

KEYS = load_vectors("keys.json")
INVALID = [c for c in KEYS["cases"] if not c["valid"]]
LIVE = next(c["input"] for c in KEYS["cases"] if c["valid"] and c["mode"] == "live")
TEST = next(c["input"] for c in KEYS["cases"] if c["valid"] and c["mode"] == "test")

# Every detail attribute of a class, and its default when the error does not carry it.
_NONE = {name: None for name in (
    "position", "vendor", "origin", "variable", "value", "line", "column", "status", "tried",
    "attempts", "api_code", "request_id",
)}
FIELDS: Dict[type, Dict[str, Any]] = {
    KeyFormatError: {**_NONE, "environment": None},
    KeyEnvironmentError: {**_NONE, "environment": "unknown"},
    KeySourceError: {**_NONE, "environment": None},
}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def raised(call: Callable[[], object]) -> PictifyKeyError:
    with pytest.raises(PictifyKeyError) as info:
        call()
    return info.value


def assert_same_as_python_built(err: PictifyKeyError) -> None:
    cls = type(err)
    details: Dict[str, Any] = err.details
    again = cls(err.message, code=err.code, details=details)
    assert err.args == again.args == (f"[{err.code}] {err.message}",)
    assert str(err) == str(again) and repr(err) == repr(again)
    assert err.family == cls.family
    snake = {_snake(name) for name in details}
    for name, default in FIELDS.get(cls, {}).items():
        assert getattr(err, name) == getattr(again, name), name
        if name not in snake:
            assert getattr(err, name) == default, name
    for name, value in details.items():
        assert getattr(err, _snake(name)) == value
    assert vars(err) == vars(again)
    unpickled = pickle.loads(pickle.dumps(err))
    assert type(unpickled) is cls and unpickled.args == err.args and unpickled.code == err.code
    assert unpickled.details == err.details
    for name in list(snake) + list(FIELDS.get(cls, {})):
        assert getattr(unpickled, name) == getattr(err, name)


@pytest.mark.parametrize("case", INVALID, ids=lambda c: c["name"])
def test_key_format_errors(case: Dict[str, Any]) -> None:
    err = raised(lambda: ApiKey.parse(case["input"]))
    assert type(err) is KeyFormatError and err.code == case["code"]
    assert err.position == case["position"] and err.origin is None
    assert_same_as_python_built(err)


def test_environment_source_and_sourced_format_errors(tmp_path: Any) -> None:
    dev = detect_environment({"PICTIFY_ENV": "dev"})
    prod = detect_environment({"PICTIFY_ENV": "production"})
    broken = tmp_path / ".env"
    broken.write_text("PICTIFY_API_KEY='unterminated\n")
    errors: List[PictifyKeyError] = [
        raised(lambda: check_mode("live", dev)),
        raised(lambda: check_mode("test", prod)),
        raised(lambda: load_keys({})),
        raised(lambda: load_keys({}, dotenv=broken)),
        raised(lambda: load_keys({"PICTIFY_API_KEY": LIVE + " "})),
    ]
    assert [(type(e), e.code) for e in errors] == [
        (KeyEnvironmentError, "live_key_in_development"),
        (KeyEnvironmentError, "test_key_in_production"),
        (KeySourceError, "no_key"),
        (KeySourceError, "env_file_syntax"),
        (KeyFormatError, "whitespace"),
    ]
    env_err = errors[0]
    assert isinstance(env_err, KeyEnvironmentError)
    assert (env_err.environment, env_err.variable, env_err.value) == ("development", "PICTIFY_ENV", "dev")
    syntax = errors[3]
    assert isinstance(syntax, KeySourceError) and syntax.line == 1 and syntax.origin
    sourced = errors[4]
    assert isinstance(sourced, KeyFormatError) and sourced.origin == "env:PICTIFY_API_KEY"
    for err in errors:
        assert_same_as_python_built(err)


def test_raised_errors_have_a_traceback_and_can_be_raised_again() -> None:
    with pytest.raises(KeyFormatError) as info:
        ApiKey.parse("")
    err = info.value
    assert err.__traceback__ is not None
    with pytest.raises(KeyFormatError) as again:
        raise err
    assert again.value is err and err.code == "empty"


def test_parse_of_none_or_a_non_str_is_a_pictify_error() -> None:
    # New-user trial: ApiKey.parse(os.environ.get("PICTIFY_API_KEY")) with the variable unset
    # raised a TypeError, which `except PictifyKeyError` at startup did not catch.
    from pictify_keys import ApiKey, KeySourceError, PictifyKeyError

    with pytest.raises(KeySourceError) as unset:
        ApiKey.parse(None)
    assert unset.value.code == "no_key" and "PICTIFY_API_KEY" in str(unset.value)
    for value in (123, b"pk_live_FAKE3Wwd25rq4f5zra1b2", ["pk_live_FAKE3Wwd25rq4f5zra1b2"]):
        with pytest.raises(PictifyKeyError) as bad:
            ApiKey.parse(value)  # type: ignore[arg-type]
        assert bad.value.code == "invalid_argument", value
        assert "FAKE3Wwd25rq4f5zra1b2" not in str(bad.value)
        assert type(value).__name__ in str(bad.value)
