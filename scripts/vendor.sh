#!/usr/bin/env bash
# Every crate the workspace needs, for a machine that reaches no crate registry (the Swift
# build machine: PyPI and Debian only):
#   bash scripts/vendor.sh DIR
# writes DIR/crates (`cargo vendor`, trimmed of the Windows-only crates' contents) and
# DIR/config.toml (the source replacement). Then, on the offline machine:
#   PICTIFY_VENDOR_DIR=DIR just rust-test      (or just swift test, just py test, .ci/run)
# scripts/vendor-env.sh (sourced by every recipe through BASH_ENV) turns PICTIFY_VENDOR_DIR
# into the source replacement and --offline for cargo. .ci/run uses ../shared/vendor when it
# exists.
#
# Trimming: cargo needs the manifest of every locked package, even one built only on
# Windows, so those crates stay, emptied: their sources and import libraries (about 200 MB)
# are replaced by an empty lib.rs and dropped from .cargo-checksum.json, which cargo allows
# for directory sources. Building for Windows from such a directory fails; nothing else does.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:?usage: vendor.sh DIR}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
rm -rf "$dir/crates"
(cd "$root" && cargo vendor --locked --versioned-dirs --quiet "$dir/crates" >/dev/null)
python3 - "$dir/crates" <<'EOF'
import json, re, shutil, sys
from pathlib import Path
crates = Path(sys.argv[1])
windows_only = re.compile(
    r"^(winapi|winapi-(i686|x86_64)-pc-windows-gnu|windows-sys|windows-targets|"
    r"windows_(aarch64|i686|x86_64)_(gnu|gnullvm|msvc))-\d")
trimmed = 0
for pkg in sorted(crates.iterdir()):
    if not windows_only.match(pkg.name):
        continue
    sums = json.loads((pkg / ".cargo-checksum.json").read_text())
    for entry in list(pkg.iterdir()):
        if entry.name in ("Cargo.toml", ".cargo-checksum.json"):
            continue
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    (pkg / "src").mkdir()
    (pkg / "src/lib.rs").write_text("// Emptied by scripts/vendor.sh: this crate is built only for Windows.\n")
    # lib.rs may be at another path in the manifest; point it at the empty one.
    manifest = (pkg / "Cargo.toml").read_text()
    manifest = re.sub(r'(?ms)^\[lib\]\n(.*?)^path = "[^"]*"\n', lambda m: "[lib]\n" + m.group(1) + 'path = "src/lib.rs"\n', manifest)
    manifest = re.sub(r'(?m)^build = "[^"]*"\n', "", manifest)
    (pkg / "Cargo.toml").write_text(manifest)
    sums["files"] = {}
    (pkg / ".cargo-checksum.json").write_text(json.dumps(sums))
    trimmed += 1
print(f"vendor: emptied {trimmed} Windows-only crates")
EOF
# The source replacement, for `cargo --config DIR/config.toml`, and as the config of a
# CARGO_HOME of its own (DIR/cargo-home), which is how scripts/vendor-env.sh applies it to
# every cargo a recipe starts (maturin's and napi's included); cargo reads no registry cache
# there, so nothing can come from anywhere but DIR/crates.
mkdir -p "$dir/cargo-home"
cat > "$dir/config.toml" <<EOF
# Written by scripts/vendor.sh: every crates.io crate from $dir/crates, no network.
[source.crates-io]
replace-with = "pictify-vendor"

[source.pictify-vendor]
directory = "$dir/crates"

[net]
offline = true
EOF
cp "$dir/config.toml" "$dir/cargo-home/config.toml"
echo "vendor: $(ls "$dir/crates" | wc -l) crates, $(du -sh "$dir/crates" | cut -f1) in $dir/crates; use with PICTIFY_VENDOR_DIR=$dir"
