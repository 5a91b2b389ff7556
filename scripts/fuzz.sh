#!/usr/bin/env bash
# Builds or runs the cargo-fuzz targets in core/fuzz.
# Uses the nightly toolchain when rustup has one, else the stable compiler with
# RUSTC_BOOTSTRAP=1 (cargo-fuzz only needs nightly flags, which bootstrap mode allows).
set -euo pipefail
cd "$(dirname "$0")/../core/fuzz"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
if rustup toolchain list 2>/dev/null | grep '^nightly' >/dev/null; then
  fuzz() { cargo +nightly fuzz "$@"; }
else
  fuzz() { RUSTC_BOOTSTRAP=1 cargo fuzz "$@"; }
fi
targets=$(cargo fuzz list)
case "${1:-build}" in
  build)
    fuzz build
    echo "fuzz targets built: $(echo $targets)"
    ;;
  run)
    seconds="${2:-60}"
    for t in $targets; do
      echo "== $t for ${seconds}s =="
      fuzz run "$t" -- -max_total_time="$seconds" -max_len=4096 2>&1 | grep -E '^(#[0-9]+\s+DONE|Done|INFO: seed corpus|==[0-9]+== ERROR)' || true
    done
    ;;
esac
