"""Every case of tests/vectors/keys.json and environments.json, against the installed wheel."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from conftest import load_vectors
from pictify_keys import (
    ApiKey,
    Detection,
    KeyEnvironmentError,
    KeyFormatError,
    PictifyKeyError,
    Policy,
    check_environment,
    check_mode,
    detect_environment,
)

KEYS = load_vectors("keys.json")
ENVS = load_vectors("environments.json")
LIVE = next(c["input"] for c in KEYS["cases"] if c["valid"] and c["mode"] == "live")
TEST = next(c["input"] for c in KEYS["cases"] if c["valid"] and c["mode"] == "test")


def test_vector_files_are_not_empty() -> None:
    assert len(KEYS["cases"]) > 20
    assert len(ENVS["cases"]) > 10
    assert len(ENVS["policy_cases"]) > 5


def _secret_runs(value: str, marker: str) -> set[str]:
    start = value.find(marker)
    if start < 0:
        return set()
    secret = value[start:]
    return {secret[i : i + 5] for i in range(len(secret) - 4)}


@pytest.mark.parametrize("case", KEYS["cases"], ids=lambda c: c["name"])
def test_key_vector(case: Dict[str, Any]) -> None:
    value = case["input"]
    if case["valid"]:
        key = ApiKey.parse(value)
        assert key.mode == case["mode"]
        assert key.fingerprint == case["fingerprint"]
        assert str(key) == case["fingerprint"]
        assert repr(key) == f"ApiKey({case['fingerprint']})"
        assert key.reveal() == value
        return
    with pytest.raises(KeyFormatError) as info:
        ApiKey.parse(value)
    err = info.value
    assert isinstance(err, PictifyKeyError) and isinstance(err, ValueError)
    assert err.code == case["code"]
    assert err.family == "format"
    assert err.position == case["position"]
    if case["code"] == "foreign_key":
        assert err.vendor == case["vendor"]
        assert case["vendor"] in str(err)
    else:
        assert err.vendor is None
    assert str(err).startswith(f"[{case['code']}] ")
    text = str(err) + repr(err)
    for run in _secret_runs(value, KEYS["fixture_marker"]):
        assert run not in text, f"error text echoes the secret: {run!r}"


def _verdict(mode: str, detection: Detection) -> str:
    try:
        allowed = check_mode(mode, detection)
    except KeyEnvironmentError as e:
        return e.code
    return allowed.warning.code if allowed.warning else "allowed"


@pytest.mark.parametrize("case", ENVS["cases"], ids=lambda c: c["name"])
def test_environment_vector(case: Dict[str, Any]) -> None:
    detection = detect_environment(case["env"])
    assert detection.environment == case["environment"]
    assert detection.variable == case["variable"]
    assert detection.value == case["value"]
    assert _verdict("live", detection) == case["live"]
    assert _verdict("test", detection) == case["test"]
    # The same through check_environment with a parsed key.
    for mode, raw in (("live", LIVE), ("test", TEST)):
        key = ApiKey.parse(raw)
        try:
            allowed = check_environment(key, detection)
            got = allowed.warning.code if allowed.warning else "allowed"
        except KeyEnvironmentError as e:
            got = e.code
            assert e.environment == case["environment"]
            assert e.variable == case["variable"]
            assert e.value == case["value"]
        assert got == case[mode]


@pytest.mark.parametrize(
    "case",
    ENVS["policy_cases"],
    ids=lambda c: c["name"],
)
def test_policy_vector(case: Dict[str, Any]) -> None:
    relax = case.get("policy", {})
    policy = Policy(
        allow_live_outside_production=relax.get("allow_live_outside_production", False),
        allow_test_in_production=relax.get("allow_test_in_production", False),
    )
    detection = Detection.explicit(case["environment"])
    try:
        allowed = check_mode(case["mode"], detection, policy=policy)
        got = allowed.warning.code if allowed.warning else "allowed"
    except KeyEnvironmentError as e:
        got = e.code
    assert got == case["verdict"]
    # An environment name works as well as a Detection.
    try:
        allowed = check_mode(case["mode"], case["environment"], policy=policy)
        by_name = allowed.warning.code if allowed.warning else "allowed"
    except KeyEnvironmentError as e:
        by_name = e.code
    assert by_name == case["verdict"]
