"""load_keys: provenance, priority, broken sources raise with exact codes."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from conftest import load_vectors
from pictify_keys import KeyFormatError, KeySourceError, load_keys

VALID = [c["input"] for c in load_vectors("keys.json")["cases"] if c["valid"] and c["mode"] == "live"]
NEW, OLD = VALID[0], VALID[1]


def test_env_order_and_provenance() -> None:
    loaded = load_keys({"PICTIFY_API_KEY_OLD": OLD, "PICTIFY_API_KEY_NEW": NEW})
    assert loaded.source == "env"
    assert [k.origin for k in loaded.keys] == ["env:PICTIFY_API_KEY_NEW", "env:PICTIFY_API_KEY_OLD"]
    assert loaded.keys[0].key.reveal() == NEW
    assert NEW not in repr(loaded) and NEW not in str(loaded.keys[0])
    with pytest.raises(TypeError):
        pickle.dumps(loaded.keys[0])


def test_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PICTIFY_API_KEY_NEW", "PICTIFY_API_KEY", "PICTIFY_API_KEY_OLD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PICTIFY_API_KEY", NEW)
    assert load_keys().keys[0].origin == "env:PICTIFY_API_KEY"


def test_secret_file_and_dotenv(tmp_path: Path) -> None:
    secret = tmp_path / "api-key"
    secret.write_text(OLD + "\n")
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"PICTIFY_API_KEY={NEW}\n")
    loaded = load_keys({}, secret_file=secret, dotenv=dotenv)
    assert loaded.keys[0].origin.startswith("file:")
    assert loaded.keys[0].key.reveal() == OLD
    assert [s.code for s in loaded.shadowed] == ["shadowed_key"]
    assert loaded.shadowed[0].origin.startswith("env-file:")
    only_dotenv = load_keys({}, dotenv=str(dotenv))
    assert only_dotenv.keys[0].origin.endswith(":PICTIFY_API_KEY")


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(KeySourceError) as info:
        load_keys({})
    assert info.value.code == "no_key"
    with pytest.raises(KeyFormatError) as bad:
        load_keys({"PICTIFY_API_KEY": NEW + " "})
    assert bad.value.code == "whitespace" and bad.value.origin == "env:PICTIFY_API_KEY"
    broken = tmp_path / ".env"
    broken.write_text("PICTIFY_API_KEY='unterminated\n")
    with pytest.raises(KeySourceError) as syntax:
        load_keys({}, dotenv=broken)
    assert syntax.value.code == "env_file_syntax" and syntax.value.origin


def test_a_named_file_that_does_not_exist_is_named_when_no_key_is_found() -> None:
    # New-user trial: load_keys(dotenv="typo.env") with no other key said no_key ("set
    # PICTIFY_API_KEY"), not that the file named does not exist.
    from pictify_keys import Client, KeySourceError, load_keys

    for call in (
        lambda: load_keys({}, dotenv="/nonexistent/typo.env"),
        lambda: load_keys({}, secret_file="/nonexistent/nofile"),
        lambda: Client(environ={}, dotenv="/nonexistent/typo.env"),
    ):
        with pytest.raises(KeySourceError) as info:
            call()
        assert info.value.code == "source_missing"
        assert "does not exist" in str(info.value) and "/nonexistent/" in str(info.value)
    with pytest.raises(KeySourceError) as none:
        load_keys({})
    assert none.value.code == "no_key"
