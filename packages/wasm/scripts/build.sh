#!/usr/bin/env bash
# Builds packages/wasm/pkg/{lite,full}: cargo (wasm32, size profile, the core at opt-level 2,
# simd128) -> wasm-bindgen
# --target web -> wasm-opt -Oz. `lite` is validation + environment policy + redaction;
# `full` adds the key ring and the fetch client (features `client`).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
PKG="$WASM_ROOT/packages/wasm"
WASM_OPT="$PKG/node_modules/.bin/wasm-opt"
echo "wasm toolchain: $WASM_TOOLCHAIN (target dir $CARGO_TARGET_DIR)"

build() { # variant features
  local variant=$1 features=$2 out="$PKG/pkg/$1"
  # The core at opt-level 2, the rest at "z": only the core's hot loops need the speed
  # (with simd128 from toolchain.sh, the redaction search vectorises; +8 KB gzipped).
  local args=(build -p pictify-keys-wasm --lib --release --target wasm32-unknown-unknown --locked "${WASM_CARGO_FLAGS[@]}"
    --config 'profile.release.package.pictify-keys.opt-level=2')
  [ -n "$features" ] && args+=(--features "$features")
  (cd "$WASM_ROOT" && cargo "${args[@]}")
  rm -rf "$out" && mkdir -p "$out"
  # The variant's own copy, so the other variant's build does not overwrite it first.
  cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/pictify_keys_wasm.wasm" "$out/raw.wasm"
  wasm-bindgen --target web --out-dir "$out" --out-name pictify_keys_wasm "$out/raw.wasm"
  "$WASM_OPT" -Oz --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$out/pictify_keys_wasm_bg.wasm" -o "$out/pictify_keys_wasm_bg.wasm"
  rm -f "$out/raw.wasm" "$out/pictify_keys_wasm_bg.wasm.d.ts"
  # Parameters that may be omitted become optional (`style?: RedactStyle`) for tsc --strict.
  node "$PKG/scripts/optional-params.mjs" "$out/pictify_keys_wasm.d.ts"
}

build lite ""
build full client
node "$PKG/scripts/size-report.mjs"
