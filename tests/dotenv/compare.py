#!/usr/bin/env python3
"""Compares pictify-keys' .env parser with python-dotenv and Node's `dotenv`.

Every file in tests/dotenv/cases/ is read by all three (ours through the `dotenv_json`
example). A case where ours differs from a peer must be listed in deviations.toml with the
reason; a listed deviation that no longer happens is an error too (the list stays true).
The table in docs/dotenv.md is generated from the same run:

    python3 tests/dotenv/compare.py PEERS_DIR            # fail on a difference or a stale doc
    python3 tests/dotenv/compare.py PEERS_DIR --write    # regenerate docs/dotenv.md

PEERS_DIR is what tests/dotenv/peers.sh printed (`just dotenv-compare` does both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "dotenv" / "cases"
DEVIATIONS = ROOT / "tests" / "dotenv" / "deviations.toml"
DOC = ROOT / "docs" / "dotenv.md"
PEERS = {"python": "python-dotenv", "node": "Node dotenv"}

# Each peer reads the files with its defaults, as `load_dotenv()` / `require('dotenv').config()`
# would, in an empty environment (python-dotenv's `${VAR}` expansion falls back to os.environ).
PYTHON_PEER = r"""
import io, json, logging, sys
import importlib.metadata
from dotenv import dotenv_values
log = io.StringIO()
logging.getLogger("dotenv.main").addHandler(logging.StreamHandler(log))
out = {"version": importlib.metadata.version("python-dotenv"), "cases": {}}
for path in sys.argv[1:]:
    log.seek(0); log.truncate()
    values = dotenv_values(path)
    skipped = [int(l.rsplit(" ", 1)[1]) for l in log.getvalue().splitlines() if "could not parse" in l]
    out["cases"][path] = {"vars": {k: v for k, v in values.items() if v is not None},
                          "unset": [k for k, v in values.items() if v is None], "skipped": skipped}
print(json.dumps(out))
"""
NODE_PEER = r"""
const fs = require('fs');
const dotenv = require(process.env.DOTENV_MODULE);
const out = { version: require(process.env.DOTENV_MODULE + '/package.json').version, cases: {} };
for (const path of process.argv.slice(1)) out.cases[path] = { vars: dotenv.parse(fs.readFileSync(path)) };
console.log(JSON.stringify(out));
"""


def run_json(cmd: list[str], env: dict[str, str] | None = None) -> dict:
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"dotenv-compare: {cmd[0]} failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)


def read_all(peers_dir: Path, files: list[str]) -> tuple[dict, dict, dict]:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    ours = run_json(
        ["cargo", "run", "--quiet", "--locked", "-p", "pictify-keys", "--example", "dotenv_json", "--", *files]
    )
    python = run_json([str(peers_dir / "venv" / "bin" / "python"), "-c", PYTHON_PEER, *files], clean)
    node_env = dict(clean, DOTENV_MODULE=str(peers_dir / "node" / "node_modules" / "dotenv"))
    node = run_json(["node", "-e", NODE_PEER, *files], node_env)
    return ours, python, node


def code(text: str) -> str:
    text = text.replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def show_vars(vars_: dict[str, str]) -> str:
    if not vars_:
        return "(nothing)"
    return " ".join(code(f"{json.dumps(k)[1:-1]}={json.dumps(v)}") for k, v in vars_.items())


def show_ours(result: dict) -> str:
    if "error" in result:
        e = result["error"]
        return f"error {code(e['code'])} (line {e['line']}, column {e['column']}: {e['reason']})"
    text = show_vars(result["vars"])
    for w in result["warnings"]:
        text += f"; warning {code(w['code'])} (line {w['line']})"
    return text


def show_peer(result: dict, same: bool) -> str:
    text = "same" if same else show_vars(result["vars"])
    if result.get("skipped"):
        text += "; skips line " + ", ".join(str(n) for n in result["skipped"])
    return text


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    write = "--write" in sys.argv[1:]
    if len(args) != 1:
        sys.exit(__doc__)
    peers_dir = Path(args[0]).resolve()
    files = sorted(str(p.relative_to(ROOT)) for p in CASES.glob("*.env"))
    if not files:
        sys.exit(f"dotenv-compare: no case in {CASES}")
    deviations = tomllib.loads(DEVIATIONS.read_text(encoding="utf-8"))
    ours, python, node = read_all(peers_dir, files)
    peer_results = {"python": python["cases"], "node": node["cases"]}

    problems: list[str] = []
    rows: list[str] = []
    agree_both = agree_one = 0
    for f in files:
        case = Path(f).stem
        listed = deviations.get(case, {})
        for peer in listed:
            if peer not in PEERS:
                problems.append(f"{case}: deviations.toml names an unknown peer {peer!r}")
        mine = ours[f]
        same = {}
        for peer in PEERS:
            theirs = peer_results[peer][f]
            same[peer] = "vars" in mine and mine["vars"] == theirs["vars"]
            if not same[peer] and peer not in listed:
                problems.append(
                    f"{case}: ours differs from {PEERS[peer]} and deviations.toml does not say why\n"
                    f"    ours: {show_ours(mine)}\n    {PEERS[peer]}: {show_vars(theirs['vars'])}"
                )
            if same[peer] and peer in listed:
                problems.append(f"{case}: deviations.toml lists a difference from {PEERS[peer]} that no longer happens")
        agree_both += all(same.values())
        agree_one += any(same.values())
        why = " ".join(listed[p] for p in PEERS if p in listed) or "all agree"
        rows.append(
            f"| {case} | {show_ours(mine)} | {show_peer(peer_results['python'][f], same['python'])} "
            f"| {show_peer(peer_results['node'][f], same['node'])} | {why} |"
        )

    doc = "\n".join(
        [
            "# `.env` files: pictify-keys compared with python-dotenv and Node dotenv",
            "",
            "<!-- Generated by `just dotenv-compare --write` (tests/dotenv/compare.py); do not edit. -->",
            "",
            f"Every file in `tests/dotenv/cases/` read by pictify-keys' parser (`DotEnv::parse`), "
            f"python-dotenv {python['version']} (`dotenv_values`) and Node `dotenv` {node['version']} "
            f"(`dotenv.parse`). pictify-keys agrees with both on {agree_both} of {len(files)} cases and "
            f"with at least one on {agree_one}. Every difference is listed with its reason in "
            "`tests/dotenv/deviations.toml`; `just dotenv-compare` (part of `just test`) fails on any "
            "other difference, and when this page is stale.",
            "",
            "Values are shown JSON-escaped. \"same\" means the peer read exactly what pictify-keys read. "
            "A bare name (`NAME` alone on a line) is shown as not set for python-dotenv, which maps it to `None`.",
            "",
            "| case | pictify-keys | python-dotenv | Node dotenv | why |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
        ]
    )
    if write:
        DOC.write_text(doc, encoding="utf-8")
        print(f"dotenv-compare: wrote {DOC.relative_to(ROOT)}")
    elif not DOC.is_file() or DOC.read_text(encoding="utf-8") != doc:
        problems.append(f"{DOC.relative_to(ROOT)} is stale: run `just dotenv-compare --write` and commit it")
    for p in problems:
        print(f"dotenv-compare: {p}", file=sys.stderr)
    print(
        f"dotenv-compare: {len(files)} cases; agrees with both peers on {agree_both}, "
        f"with at least one on {agree_one}; {len(problems)} problem(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
