"""The demo scenario from Python: each example environment through `check_keys`.

Usage: python demo.py examples/check/*.env   (prints what `pictify-keys check` prints)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

from pictify_keys import CheckReport, Detection, DotEnv, PictifyKeyError, check_keys


def environment_label(d: Detection) -> str:
    if d.variable is not None:
        return f"{d.environment} ({d.variable}={d.value})"
    if d.environment == "unknown":
        return "unknown (no environment variable set)"
    return d.environment


def show(report: CheckReport) -> None:
    env = environment_label(report.detection)
    width = max((len(k.origin) for k in report.keys), default=0)
    for k in report.keys:
        key = f"{k.fingerprint}  {k.mode}" if k.fingerprint else "(malformed)"
        verdict = f"{k.verdict} [{k.code}]" if k.code else k.verdict
        print(f"{k.origin:<{width}}  {key}  {env}  {verdict}")
    for k in report.keys:
        if k.code and k.message:
            level = "warning" if k.verdict == "warning" else "error"
            print(f"  {level}[{k.code}]: {k.message}")
    err = report.error()
    if err is not None and not report.keys:
        print(f"  error[{err.code}]: {err.message}")


def main(paths: List[str]) -> int:
    print("== pictify_keys.check_keys (Python) ==")
    for path in map(Path, paths):
        text = path.read_text(encoding="utf-8")
        print(f"\n# {path.name}: {text.splitlines()[0].lstrip('# ')}")
        print(f">>> check_keys(DotEnv.parse(open({str(path)!r}).read()), source='env-file:{path}')")
        try:
            report = check_keys(DotEnv.parse(text), source=f"env-file:{path}")
        except PictifyKeyError as e:
            print(f"  {type(e).__name__}: {e}")
            continue
        show(report)
        print(f"(exit status {report.exit_status})")
    print("\n# From a mapping with nothing set:")
    print(">>> check_keys({})")
    show(check_keys({}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
