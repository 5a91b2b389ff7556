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
