#!/usr/bin/env bash
# Installs what the build and tests need, idempotently. A fresh machine has Rust (rustup,
# stable), Python with pip, Node and a JDK; everything else comes from the registries.
set -euo pipefail

need() { command -v "$1" >/dev/null 2>&1; }

need cargo || { echo "setup: cargo is missing; install Rust with rustup first" >&2; exit 1; }
for c in clippy rustfmt; do rustup component list --installed 2>/dev/null | grep "^$c" >/dev/null || rustup component add "$c"; done
need cargo-fuzz || cargo install cargo-fuzz --locked
echo "setup: ok"
