"""check_keys and DotEnv over the example environments (the demo scenario)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES
from pictify_keys import (
    CheckReport,
    DotEnv,
    KeyEnvironmentError,
    KeyFormatError,
    KeySourceError,
    check_keys,
)

# file -> (exit status, [(variable, code)], environment) as `pictify-keys check` reports it.
EXPECTED = {
    "1-laptop-test-key.env": (0, [("PICTIFY_API_KEY", None)], "development"),
    "2-laptop-live-key.env": (1, [("PICTIFY_API_KEY", "live_key_in_development")], "development"),
    "3-production-test-key.env": (1, [("PICTIFY_API_KEY", "test_key_in_production")], "production"),
    "4-vercel-preview-live-key.env": (1, [("PICTIFY_API_KEY", "live_key_in_development")], "staging"),
    "5-trailing-newline.env": (2, [("PICTIFY_API_KEY", "whitespace")], "production"),
    "6-quoted-value.env": (2, [("PICTIFY_API_KEY", "quoted")], "production"),
    "7-stripe-key.env": (2, [("PICTIFY_API_KEY", "foreign_key")], "production"),
    "8-docs-placeholder.env": (2, [("PICTIFY_API_KEY", "placeholder")], "production"),
    "9-rotation.env": (0, [("PICTIFY_API_KEY_NEW", None), ("PICTIFY_API_KEY_OLD", None)], "production"),
}


def _check(path: Path) -> CheckReport:
    env = DotEnv.parse(path.read_text(encoding="utf-8"))
    return check_keys(env, source=f"env-file:{path.name}")


def test_every_example_is_expected() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.env")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(name: str) -> None:
    status, keys, environment = EXPECTED[name]
    report = _check(EXAMPLES / name)
    assert report.exit_status == status
    assert report.detection.environment == environment
    assert [(k.variable, k.code) for k in report.keys] == keys
    for k in report.keys:
        assert k.origin == f"env-file:{name}:{k.variable}"
        if k.verdict in ("allowed", "warning"):
            assert k.fingerprint is not None and "****" in k.fingerprint
            assert k.error() is None
        else:
            assert k.error() is not None
    err = report.error()
    if status == 0:
        assert err is None
    elif status == 1:
        assert isinstance(err, KeyEnvironmentError) and err.code == keys[0][1]
    else:
        assert isinstance(err, KeyFormatError) and err.code == keys[0][1]


def test_no_key() -> None:
    report = check_keys({"NODE_ENV": "production"})
    assert report.keys == []
    assert report.exit_status == 2
    err = report.error()
    assert isinstance(err, KeySourceError) and err.code == "no_key"


def test_check_keys_environment_override_and_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    env = DotEnv.parse((EXAMPLES / "2-laptop-live-key.env").read_text(encoding="utf-8"))
    report = check_keys(env, environment="production")
    assert report.exit_status == 0
    assert report.keys[0].origin == "env:PICTIFY_API_KEY"
    for name in ("PICTIFY_API_KEY_NEW", "PICTIFY_API_KEY", "PICTIFY_API_KEY_OLD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PICTIFY_API_KEY", env["PICTIFY_API_KEY"])
    monkeypatch.setenv("NODE_ENV", "development")
    assert check_keys().keys[0].code == "live_key_in_development"


def test_dotenv_mapping_and_repr() -> None:
    env = DotEnv.parse("# c\nexport B=2\nA='x y'\n")
    assert env.names() == ["A", "B"] and list(env) == ["A", "B"] and len(env) == 2
    assert env["A"] == "x y" and env.get("B") == "2" and env.get("C") is None and env.get("C", "d") == "d"
    assert "A" in env and "C" not in env
    assert dict(env) == {"A": "x y", "B": "2"}
    with pytest.raises(KeyError):
        env["C"]
    secret = DotEnv.parse("PICTIFY_API_KEY=pk_live_FAKE3Wwd25rq4f5zr3a1b2\n")
    assert "FAKE3" not in repr(secret)


def test_dotenv_syntax_error() -> None:
    with pytest.raises(KeySourceError) as info:
        DotEnv.parse("A='unterminated\n")
    assert info.value.code == "env_file_syntax"
    assert info.value.line is not None and info.value.column is not None
