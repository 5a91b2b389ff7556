#!/usr/bin/env python3
"""Names musl's libc the way musllinux wheels must: `libc.musl-<arch>.so.1`.

    python3 scripts/musl-wheel-fixup.py WHEEL...      (needs patchelf on PATH)

A cdylib linked for musl by zig (maturin --zig) lists its C library as `libc.so`. musl's
loader maps that name to itself, so the wheel works on Alpine, but `auditwheel show` only
accepts `libc.musl-<arch>.so.1` for a musllinux tag. `auditwheel repair` renames it the same
way (its musl libc soname fix-up), but only on a musl host; this does the rename here and
rewrites the wheel's RECORD (sha256 and size of the patched file).
"""
from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ARCH = {"x86_64": "x86_64", "aarch64": "aarch64"}


def fix(wheel: Path) -> None:
    arch = next((a for a in ARCH if wheel.name.endswith(f"musllinux_1_2_{a}.whl")), None)
    if arch is None:
        sys.exit(f"musl-wheel-fixup: {wheel.name} is not a musllinux_1_2 x86_64/aarch64 wheel")
    soname = f"libc.musl-{ARCH[arch]}.so.1"
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as zin:
        names = zin.namelist()
        zin.extractall(tmp)
        patched = 0
        for name in names:
            if not name.endswith(".so"):
                continue
            path = Path(tmp, name)
            needed = subprocess.run(["patchelf", "--print-needed", str(path)], check=True,
                                    capture_output=True, text=True).stdout.split()
            if "libc.so" in needed:
                subprocess.run(["patchelf", "--replace-needed", "libc.so", soname, str(path)], check=True)
                patched += 1
        if patched == 0:
            print(f"musl-wheel-fixup: {wheel.name}: nothing to do")
            return
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        lines = []
        for line in Path(tmp, record).read_text().splitlines():
            name = line.split(",")[0]
            if name and name != record:
                data = Path(tmp, name).read_bytes()
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                line = f"{name},sha256={digest},{len(data)}"
            lines.append(line)
        Path(tmp, record).write_text("\n".join(lines) + "\n")
        out = wheel.with_suffix(".tmp")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                zout.write(Path(tmp, name), name)
        out.replace(wheel)
    print(f"musl-wheel-fixup: {wheel.name}: libc.so -> {soname}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        fix(Path(arg))
