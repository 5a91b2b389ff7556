#!/usr/bin/env bash
# wasm-bindgen-test suites (bindings/wasm/tests) compiled for wasm32 and run under Node by
# wasm-bindgen-test-runner, with every feature (ring and client included).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$WASM_ROOT"
# --release reuses the std and dependencies of `build.sh` (same size profile) instead of
# building std again in debug mode.
cargo test -p pictify-keys-wasm --release --features client --target wasm32-unknown-unknown --locked "${WASM_CARGO_FLAGS[@]}"
