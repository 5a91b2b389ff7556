#!/usr/bin/env bash
# Builds the native addon with @napi-rs/cli and regenerates index.d.ts: the declarations napi
# generates from the Rust doc comments, followed by the JavaScript layer's (lib/index-extra.d.ts)
# and the result shapes shared with the WASM package (../shapes.d.ts).
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-../../target-node}"
npx napi build --platform --release --manifest-path ../../bindings/node/Cargo.toml \
  --package-json-path package.json --output-dir . --no-js --dts index.d.ts
cat lib/index-extra.d.ts ../shapes.d.ts >> index.d.ts
