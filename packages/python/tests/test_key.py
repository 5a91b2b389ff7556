"""ApiKey: the secret stays out of str/repr/pickle; errors carry exact codes."""

from __future__ import annotations

import copy
import pickle

import pytest

from conftest import load_vectors
from pictify_keys import (
    ApiKey,
    KeyEnvironmentError,
    KeyFormatError,
    KeySourceError,
    PictifyHTTPError,
    PictifyKeyError,
)

CASES = load_vectors("keys.json")["cases"]
LIVE = next(c for c in CASES if c["valid"] and c["mode"] == "live")
TEST = next(c for c in CASES if c["valid"] and c["mode"] == "test")


def test_str_repr_format_show_only_the_fingerprint() -> None:
    key = ApiKey.parse(LIVE["input"])
    secret = LIVE["input"]
    for text in (str(key), repr(key), f"{key}", f"{key!r}", "%s" % key, str([key]), str({"k": key})):
        assert secret not in text
        assert LIVE["fingerprint"] in text
    assert key.reveal() == secret
    assert key.last4 == LIVE["fingerprint"][-4:]


def test_pickle_refuses() -> None:
    key = ApiKey.parse(LIVE["input"])
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(key, protocol=protocol)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps({"nested": [key]})


def test_copy_is_the_same_key() -> None:
    key = ApiKey.parse(LIVE["input"])
    assert copy.copy(key) is key
    assert copy.deepcopy({"k": key})["k"] is key


def test_equality_and_hash() -> None:
    a = ApiKey.parse(LIVE["input"])
    b = ApiKey.parse(LIVE["input"])
    c = ApiKey.parse(TEST["input"])
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert a != LIVE["input"]  # a key is not equal to its own text
    assert len({a, b, c}) == 2


def test_no_constructor_and_immutable() -> None:
    with pytest.raises(TypeError):
        ApiKey()  # type: ignore[call-arg]
    key = ApiKey.parse(LIVE["input"])
    with pytest.raises(AttributeError):
        key.mode = "test"  # type: ignore[misc]


def test_non_str_input_is_a_pictify_error_not_a_type_error() -> None:
    # Was a TypeError (issue 20): an unset variable must be caught by `except PictifyKeyError`.
    with pytest.raises(PictifyKeyError) as bad:
        ApiKey.parse(b"pk_live_FAKE3Wwd25rq4f5zr3a1b2")  # type: ignore[arg-type]
    assert bad.value.code == "invalid_argument"
    with pytest.raises(KeySourceError) as unset:
        ApiKey.parse(None)
    assert unset.value.code == "no_key"


def test_error_hierarchy() -> None:
    for cls in (KeyFormatError, KeyEnvironmentError, KeySourceError, PictifyHTTPError):
        assert issubclass(cls, PictifyKeyError)
    assert issubclass(PictifyKeyError, ValueError)
    assert {c.family for c in (KeyFormatError, KeyEnvironmentError, KeySourceError, PictifyHTTPError)} == {
        "format",
        "environment",
        "source",
        "http",
    }


def test_errors_are_catchable_as_value_error_and_pickle() -> None:
    with pytest.raises(ValueError) as info:
        ApiKey.parse(LIVE["input"] + "\n")
    err = info.value
    assert isinstance(err, KeyFormatError)
    assert err.code == "whitespace"
    assert err.position == len(LIVE["input"]) + 1
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is KeyFormatError
    assert (again.code, again.position, str(again)) == (err.code, err.position, str(err))
    assert LIVE["input"][8:] not in str(err)


def test_error_message_format() -> None:
    with pytest.raises(KeyFormatError) as info:
        ApiKey.parse("")
    assert info.value.code == "empty"
    assert str(info.value) == f"[empty] {info.value.message}"
    assert info.value.position is None
