"""Secret references in PICTIFY_API_KEY* resolved by the core against a real OpenBao dev
server on loopback (Vault KV v2 API): check_keys, load_keys and Client, the provider settings
read from the same mapping, the core's stable codes, and no secret or token in any message.

OpenBao comes from tests/secrets/setup.sh (`just py test` runs it). Without it these tests skip
loudly on a dev machine and fail under CI or PICTIFY_SECRETS_REQUIRED."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest

from conftest import ROOT, MockApi
from pictify_keys import Client, KeyFormatError, KeySourceError, check_keys, load_keys

KEY = "pk_test_FAKE9xQ2mN7vB4kL0pRtb9Lm"
FINGERPRINT = "pk_test_****b9Lm"
TOKEN = "rootFAKEpyToken"
WRONG_TOKEN = "wrongFAKEpyToken"
REF = "vault://secret/pictify#api_key"


def _bao() -> Optional[Path]:
    venv = Path(os.environ.get("PICTIFY_SECRETS_VENV", ROOT / "target" / "secrets-venv"))
    path = venv / "bin" / "bao"
    return path if path.is_file() else None


def _free_port_pair() -> int:
    """A free loopback port whose successor is free too (OpenBao also listens on port + 1)."""
    while True:
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port: int = a.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as b:
                try:
                    b.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
                return port


class OpenBao:
    def __init__(self, binary: Path) -> None:
        port = _free_port_pair()
        self.addr = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [str(binary), "server", "-dev", f"-dev-root-token-id={TOKEN}", f"-dev-listen-address=127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(self.addr + "/v1/sys/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError(f"OpenBao did not become ready at {self.addr}")
            time.sleep(0.05)

    def write(self, path: str, data: Dict[str, str]) -> None:
        req = urllib.request.Request(
            f"{self.addr}/v1/secret/data/{path}",
            data=json.dumps({"data": data}).encode(),
            method="POST",
            headers={"X-Vault-Token": TOKEN},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200

    def env(self, reference: str, token: Optional[str] = TOKEN) -> Dict[str, str]:
        env = {"PICTIFY_API_KEY": reference, "VAULT_ADDR": self.addr, "NODE_ENV": "development"}
        if token is not None:
            env["VAULT_TOKEN"] = token
        return env

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def bao() -> Iterator[OpenBao]:
    binary = _bao()
    if binary is None:
        msg = "bao is not installed (run `bash tests/secrets/setup.sh`); the OpenBao tests cannot run"
        if os.environ.get("CI") or os.environ.get("PICTIFY_SECRETS_REQUIRED"):
            pytest.fail(msg)
        warnings.warn(msg)
        pytest.skip("SKIPPED: " + msg)
    server = OpenBao(binary)
    try:
        server.write("pictify", {"api_key": KEY})
        server.write("newline", {"api_key": KEY + "\n"})
        yield server
    finally:
        server.close()


def _no_secret(*texts: object) -> None:
    for text in texts:
        for secret in (KEY, KEY[12:], TOKEN, WRONG_TOKEN):
            assert secret not in str(text) and secret not in repr(text), text


def test_check_keys_resolves_the_reference(bao: OpenBao) -> None:
    report = check_keys(bao.env("vault://secret/pictify"))
    assert report.error() is None and report.exit_status == 0
    assert [(k.origin, k.variable, k.fingerprint, k.mode, k.verdict) for k in report.keys] == [
        (REF, "PICTIFY_API_KEY", FINGERPRINT, "test", "allowed")
    ]
    assert report.detection.environment == "development"
    _no_secret(report, *report.keys)


def test_load_keys_and_client_resolve_the_reference(bao: OpenBao, mock_api_binary: str) -> None:
    loaded = load_keys(bao.env("vault://secret/pictify"))
    assert [(k.origin, k.key.fingerprint) for k in loaded.keys] == [(REF, FINGERPRINT)]
    assert loaded.source == "env"
    _no_secret(loaded, *loaded.keys)

    api = MockApi(mock_api_binary, {KEY: "active"})
    try:
        client = Client(environ=bao.env("vault://secret/pictify"), base_url=api.url)
        resp = client.request("GET", "/me")
        assert resp.status == 200 and resp.key_origin == REF and resp.key_fingerprint == FINGERPRINT
        _no_secret(client, resp)
    finally:
        api.close()


def test_trailing_newline_in_vault_is_whitespace_with_the_reference_as_origin(bao: OpenBao) -> None:
    env = bao.env("vault://secret/newline")
    report = check_keys(env)
    [k] = report.keys
    assert (k.origin, k.verdict, k.code) == ("vault://secret/newline#api_key", "malformed", "whitespace")
    assert report.exit_status == 2
    err = report.error()
    assert isinstance(err, KeyFormatError) and err.code == "whitespace"
    with pytest.raises(KeyFormatError) as raised:
        load_keys(env)
    assert raised.value.code == "whitespace"
    assert str(raised.value).startswith("[whitespace] vault://secret/newline#api_key: trailing whitespace")
    assert raised.value.origin == "vault://secret/newline#api_key"
    _no_secret(report, k, err, raised.value)


@pytest.mark.parametrize(
    "reference, token, code",
    [
        ("vault://secret/missing", TOKEN, "secret_not_found"),
        ("vault://secret/pictify", WRONG_TOKEN, "secret_access_denied"),
        ("vault://secret/pictify", None, "secret_credentials_missing"),
    ],
    ids=["not_found", "access_denied", "no_token"],
)
def test_failures_carry_the_core_code_and_name_the_reference(
    bao: OpenBao, reference: str, token: Optional[str], code: str
) -> None:
    env = bao.env(reference, token)
    report = check_keys(env)
    assert report.keys == [] and report.exit_status == 2
    err = report.error()
    assert isinstance(err, KeySourceError) and err.code == code
    assert reference in str(err)
    with pytest.raises(KeySourceError) as raised:
        load_keys(env)
    assert raised.value.code == code and reference in str(raised.value)
    with pytest.raises(KeySourceError) as from_client:
        Client(environ=env, base_url="http://127.0.0.1:9")
    assert from_client.value.code == code
    _no_secret(report, err, raised.value, from_client.value)


def test_reference_in_the_dotenv_file_uses_the_settings_from_environ(bao: OpenBao, tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("PICTIFY_API_KEY=vault://secret/pictify\n", encoding="utf-8")
    env = bao.env("vault://secret/pictify")
    del env["PICTIFY_API_KEY"]
    loaded = load_keys(env, dotenv=dotenv)
    assert [(k.origin, k.key.fingerprint) for k in loaded.keys] == [(REF, FINGERPRINT)]
    _no_secret(loaded, *loaded.keys)
