#!/usr/bin/env python3
"""The shared key vectors through a `pictify-keys` binary, for builds of other architectures.

    python3 scripts/cli-vectors.py [--runner 'qemu-aarch64-static -L /usr/aarch64-linux-gnu'] BINARY

Every case of tests/vectors/keys.json goes in as PICTIFY_API_KEY to `pictify-keys check --json
--environment production --allow-test-in-production`: a valid key must come back allowed (a test key: with a warning) with
the vector's mode and fingerprint (exit 0), a malformed one with the vector's code and position
(exit 2), except the empty value, which the command reads as an unset variable (`no_key`,
exit 2), and no output may contain the secret part of the input. Cases an environment
variable cannot carry (a NUL byte) are counted and skipped. Prints one summary line; exit 1
on the first difference.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", default="", help="command prefix, e.g. qemu-aarch64-static -L SYSROOT")
    ap.add_argument("binary")
    args = ap.parse_args()
    cmd = shlex.split(args.runner) + [args.binary, "check", "--json", "--environment", "production",
                                      "--allow-test-in-production"]
    cases = json.loads((ROOT / "tests/vectors/keys.json").read_text())["cases"]
    ran = skipped = 0
    for case in cases:
        value = case["input"]
        if "\0" in value:
            skipped += 1
            continue
        env = {k: v for k, v in os.environ.items() if not k.startswith("PICTIFY_")}
        env["PICTIFY_API_KEY"] = value
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, errors="replace")
        name = case["name"]
        out = proc.stdout + proc.stderr
        at = value.find("FAKE")
        if at >= 0 and len(value) - at >= 8 and value[at:] in out:
            return fail(name, "the output contains the secret")
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            return fail(name, f"not JSON (exit {proc.returncode}): {out[:300]!r}")
        if case["valid"]:
            key = report["keys"][0] if report.get("keys") else {}
            # A test key in production is allowed here with a warning verdict.
            verdict = "allowed" if key.get("verdict") in ("allowed", "warning") else key.get("verdict")
            got = (proc.returncode, verdict, key.get("mode"), key.get("fingerprint"))
            want = (0, "allowed", case["mode"], case["fingerprint"])
        else:
            error = report.get("error") or {}
            got = (proc.returncode, error.get("code"), (error.get("details") or {}).get("position"))
            # An empty variable is unset for `check` (as for every key source): no_key.
            want = (2, "no_key", None) if value == "" else (2, case["code"], case["position"])
        if got != want:
            return fail(name, f"got {got}, want {want}")
        ran += 1
    print(f"cli-vectors: {ran} key vectors passed through {' '.join(cmd[: len(cmd) - 5])}"
          f" ({skipped} skipped: a NUL byte cannot be put in an environment variable)")
    return 0


def fail(name: str, why: str) -> int:
    print(f"cli-vectors: FAIL: vector {name!r}: {why}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
