"""Shared fixtures. The package under test is the installed wheel, never the source tree."""

from __future__ import annotations

import json
import os
import sysconfig
from pathlib import Path
from typing import Any, Dict

import pytest

import pictify_keys

ROOT = Path(os.environ.get("PICTIFY_ROOT", Path(__file__).resolve().parents[3]))
VECTORS = ROOT / "tests" / "vectors"
EXAMPLES = ROOT / "examples" / "check"


def pytest_report_header() -> str:
    return f"pictify_keys {pictify_keys.__version__} from {Path(pictify_keys.__file__).parent}"


def pytest_sessionstart(session: pytest.Session) -> None:
    # Refuse to run against anything but an installed package.
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    here = Path(pictify_keys.__file__).resolve()
    if site not in here.parents:
        raise pytest.UsageError(f"pictify_keys imported from {here}, not from the virtualenv {site}")


def load_vectors(name: str) -> Dict[str, Any]:
    with open(VECTORS / name, encoding="utf-8") as f:
        data: Dict[str, Any] = json.load(f)
    return data


class MockApi:
    """tests/mock-api on a free loopback port, with its admin API."""

    def __init__(self, binary: str, keys: Dict[str, str]) -> None:
        import subprocess

        args = [binary, "--exit-on-stdin-close"]
        for key, status in keys.items():
            args += ["--key", f"{key}={status}"]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.url

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        import urllib.request

        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


@pytest.fixture
def mock_api_binary() -> str:
    binary = os.environ.get("PICTIFY_MOCK_API")
    if not binary or not Path(binary).is_file():
        raise pytest.UsageError("set PICTIFY_MOCK_API to the built tests/mock-api binary (just py test does)")
    return binary
