#!/usr/bin/env python3
"""One version in every manifest.

    python3 scripts/version.py check        # exit 1 naming each file that disagrees
    python3 scripts/version.py set 0.2.0    # write 0.2.0 everywhere (`just release 0.2.0`)

The workspace version in Cargo.toml is the reference. The places (each a file and a pattern
whose group 1 is the version):
  Cargo.toml (workspace version and the core's version in [workspace.dependencies]),
  Cargo.lock (the workspace crates), the root pyproject.toml (the pre-commit shim and its
  pin on pictify-keys-cli; packages/python and packages/cli-wheel take the Cargo version),
  every package.json of ours (@pictify/keys, its platform packages under packages/node/npm,
  @pictify/keys-wasm, @pictify/keys-cli and its platform packages) with their
  package-lock.json and the optionalDependencies pins, the Maven pom, kotlin.just (jar
  name), Package.swift, and the `rev: vX` of the pre-commit snippets in the READMEs.
Standard library only (runs on the Swift build machine too).
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

# PICTIFY_VERSION_ROOT: another tree (scripts/release-lint.sh checks the checker on a copy).
ROOT = Path(os.environ.get("PICTIFY_VERSION_ROOT") or Path(__file__).resolve().parent.parent)
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")
WORKSPACE_CRATES = (
    "pictify-keys", "pictify-keys-cli", "pictify-keys-node", "pictify-keys-python",
    "pictify-keys-uniffi", "pictify-keys-wasm", "pictify-mock-api",
)
V = r"(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)"

# (file, regex with the version as group 1, how many matches at least)
TEXT = [
    ("Cargo.toml", r'(?m)^\[workspace\.package\]\n(?:[^\[]*?\n)?version = "' + V + '"', 1),
    ("Cargo.toml", r'pictify-keys = \{ path = "core", version = "' + V + '"', 1),
    ("pyproject.toml", r'(?m)^version = "' + V + '"', 1),
    ("pyproject.toml", r'"pictify-keys-cli==' + V + '"', 1),
    ("packages/kotlin/pom.xml", r"<artifactId>pictify-keys</artifactId>\s*<version>" + V + "</version>", 1),
    ("packages/kotlin/kotlin.just", r"pictify-keys-" + V + r"\.(?:jar|pom)", 2),
    ("packages/swift/Package.swift", r'(?m)^let pictifyKeysVersion = "' + V + '"', 1),
    ("README.md", r"rev: v" + V, 1),
    ("packages/cli-wheel/README.md", r"rev: v" + V, 1),
]
for crate in WORKSPACE_CRATES:
    TEXT.append(("Cargo.lock", r'\[\[package\]\]\nname = "' + re.escape(crate) + r'"\nversion = "' + V + '"', 1))


def package_jsons() -> list[Path]:
    found = [ROOT / "packages/node/package.json", ROOT / "packages/wasm/package.json",
             ROOT / "packages/cli-npm/launcher/package.json"]
    found += sorted((ROOT / "packages/node/npm").glob("*/package.json"))
    found += sorted((ROOT / "packages/cli-npm/platforms").glob("*/package.json"))
    return found


def lockfiles() -> list[Path]:
    return [p for p in (ROOT / "packages/node/package-lock.json", ROOT / "packages/wasm/package-lock.json") if p.exists()]


def reference() -> str:
    m = re.search(TEXT[0][1], (ROOT / "Cargo.toml").read_text())
    if not m:
        sys.exit("version: no version in [workspace.package] of Cargo.toml")
    return m.group(1)


def json_versions(path: Path) -> list[tuple[str, str]]:
    """(where, version) for each of our versions in a package.json or package-lock.json."""
    data = json.loads(path.read_text())
    out = [("version", data.get("version", "<none>"))]
    if path.name == "package-lock.json":
        out.append(('packages[""].version', data.get("packages", {}).get("", {}).get("version", "<none>")))
    for section in ("dependencies", "optionalDependencies"):
        for name, spec in data.get(section, {}).items():
            if name.startswith("@pictify/"):
                out.append((f"{section}.{name}", spec))
    return out


def check() -> int:
    want = reference()
    bad = []
    for rel, pattern, least in TEXT:
        path = ROOT / rel
        if not path.exists():
            bad.append(f"{rel}: missing")
            continue
        found = re.findall(pattern, path.read_text())
        if len(found) < least:
            bad.append(f"{rel}: pattern {pattern!r} found {len(found)} times, want at least {least}")
        bad += [f"{rel}: {v} (want {want})" for v in found if v != want]
    for path in package_jsons() + lockfiles():
        for where, v in json_versions(path):
            if v != want:
                bad.append(f"{path.relative_to(ROOT)}: {where} is {v} (want {want})")
    if bad:
        print(f"version check: {len(bad)} place(s) disagree with Cargo.toml's {want} "
              f"(`just release {want}` rewrites them):", file=sys.stderr)
        for line in bad:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"version check: every manifest says {want}")
    return 0


def set_version(new: str) -> int:
    if not SEMVER.match(new):
        print(f"version: {new!r} is not a semantic version such as 1.2.3 or 1.2.3-rc.1", file=sys.stderr)
        return 2
    for rel in sorted({rel for rel, _, _ in TEXT}):
        path = ROOT / rel
        text = path.read_text()
        for r, pattern, _ in TEXT:
            if r == rel:
                text = re.sub(pattern, lambda m: m.group(0)[: m.start(1) - m.start(0)] + new + m.group(0)[m.end(1) - m.start(0):], text)
        path.write_text(text)
    # JSON by pattern, so each file keeps its layout: the package's own version (right after
    # its name) and the pins on our packages; check() then reads them back as JSON.
    own = re.compile(r'("name": "@pictify/[^"]+",\s*"version": ")[^"]*(")')
    pin = re.compile(r'("@pictify/[^"]+": ")\d[^"]*(")')
    for path in package_jsons() + lockfiles():
        text = own.sub(lambda m: m.group(1) + new + m.group(2), path.read_text())
        path.write_text(pin.sub(lambda m: m.group(1) + new + m.group(2), text))
    print(f"version: set {new} in {len({r for r, _, _ in TEXT}) + len(package_jsons()) + len(lockfiles())} files")
    return check()


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"] and len(argv) == 1:
        return check()
    if argv[:1] == ["set"] and len(argv) == 2:
        return set_version(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
