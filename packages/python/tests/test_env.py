"""detect_environment and check_environment: os.environ by default, any mapping, DotEnv."""

from __future__ import annotations

import os
from collections import UserDict
from types import MappingProxyType

import pytest

from conftest import load_vectors
from pictify_keys import (
    ApiKey,
    Detection,
    DotEnv,
    KeyEnvironmentError,
    Policy,
    check_environment,
    check_mode,
    detect_environment,
)

CASES = load_vectors("keys.json")["cases"]
LIVE = ApiKey.parse(next(c["input"] for c in CASES if c["valid"] and c["mode"] == "live"))
ENV_VARS = ("VERCEL_ENV", "CONTEXT", "PICTIFY_ENV", "APP_ENV", "ENVIRONMENT", "RAILS_ENV", "RACK_ENV", "NODE_ENV", "CI")


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_none_reads_os_environ(clean_environ: pytest.MonkeyPatch) -> None:
    assert detect_environment().environment == "unknown"
    clean_environ.setenv("APP_ENV", "prod")
    d = detect_environment()
    assert (d.environment, d.variable, d.value) == ("production", "APP_ENV", "prod")
    assert detect_environment(None) == d
    clean_environ.setenv("PICTIFY_ENV", "dev")
    with pytest.raises(KeyEnvironmentError) as info:
        check_environment(LIVE)
    assert info.value.code == "live_key_in_development"
    assert info.value.variable == "PICTIFY_ENV"
    assert "PICTIFY_ENV=dev" in str(info.value)


def test_a_mapping_is_used_instead_of_os_environ(clean_environ: pytest.MonkeyPatch) -> None:
    clean_environ.setenv("NODE_ENV", "production")
    for mapping in ({"NODE_ENV": "development"}, UserDict({"NODE_ENV": "development"}), MappingProxyType({"NODE_ENV": "development"})):
        assert detect_environment(mapping).environment == "development"
    assert os.environ["NODE_ENV"] == "production"  # never written


def test_dotenv_as_environ() -> None:
    env = DotEnv.parse("VERCEL_ENV=preview\nNODE_ENV=production\n")
    d = detect_environment(env)
    assert (d.environment, d.variable) == ("staging", "VERCEL_ENV")


def test_bad_environ_types() -> None:
    with pytest.raises(TypeError):
        detect_environment(["NODE_ENV"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="NODE_ENV"):
        detect_environment({"NODE_ENV": 1})  # type: ignore[dict-item]
    # None values are unset variables.
    assert detect_environment({"NODE_ENV": None}).environment == "unknown"  # type: ignore[dict-item]


def test_mapping_errors_propagate() -> None:
    class Broken(dict):  # type: ignore[type-arg]
        def get(self, *_args: object) -> object:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        detect_environment(Broken())


def test_environment_argument_forms() -> None:
    assert check_environment(LIVE, "production").warning is None
    assert check_environment(LIVE, Detection.explicit("production")).warning is None
    w = check_environment(LIVE, "unknown").warning
    assert w is not None and w.code == "unknown_environment" and w.message
    relaxed = check_environment(LIVE, "staging", policy=Policy(allow_live_outside_production=True))
    assert relaxed.warning is not None and relaxed.warning.code == "relaxed_policy"
    with pytest.raises(ValueError):
        check_environment(LIVE, "prod")  # names are the core's five, not detection aliases
    with pytest.raises(TypeError):
        check_environment(LIVE, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        check_mode("staging", "production")  # type: ignore[arg-type]


def test_policy_object() -> None:
    assert Policy() == Policy.strict()
    p = Policy(allow_test_in_production=True)
    assert p.allow_test_in_production and not p.allow_live_outside_production
    with pytest.raises(TypeError):
        Policy(True)  # type: ignore[misc]
    assert "allow_test_in_production=True" in repr(p)
