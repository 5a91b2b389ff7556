#!/usr/bin/env bash
# wasm-bindgen-test suites (bindings/wasm/tests) compiled for wasm32 and run under Node by
# wasm-bindgen-test-runner, with every feature (ring and client included).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
# A target dir of its own: with -Zbuild-std, the test build's std (built with the `test`
# crate) next to build.sh's std in one deps folder gives "duplicate lang item" errors.
export CARGO_TARGET_DIR="$CARGO_TARGET_DIR/wasm-tests"
cd "$WASM_ROOT"
cargo test -p pictify-keys-wasm --features client --target wasm32-unknown-unknown --locked "${WASM_CARGO_FLAGS[@]}"
