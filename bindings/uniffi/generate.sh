#!/usr/bin/env bash
# Builds the UniFFI library and regenerates the Kotlin and Swift bindings from it.
#
#   bash bindings/uniffi/generate.sh           write them into packages/kotlin and packages/swift
#   bash bindings/uniffi/generate.sh --check   regenerate into a temp dir and fail if the
#                                              committed files differ (CI)
#
# The generator is this crate's own `uniffi-bindgen` binary, so its UniFFI version is the
# library's. Output is not run through a formatter (--no-format) so it is identical on every
# machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
# The bindings do not depend on the profile; release is what the packages ship.
PROFILE="${PICTIFY_UNIFFI_PROFILE:-release}"
LOCKED="${PICTIFY_CARGO_LOCKED---locked}"
LIB="$TARGET/$PROFILE/libpictify_keys_uniffi.so"
[[ "$(uname -s)" == Darwin ]] && LIB="$TARGET/$PROFILE/libpictify_keys_uniffi.dylib"

cargo build --profile "${PROFILE/debug/dev}" $LOCKED -p pictify-keys-uniffi --features bindgen --lib --bin uniffi-bindgen
BINDGEN="$TARGET/$PROFILE/uniffi-bindgen"

KOTLIN_DIR=packages/kotlin/src/main/generated
SWIFT_SRC=packages/swift/Sources/PictifyKeys/Generated
SWIFT_FFI=packages/swift/Sources/PictifyKeysFFI

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$BINDGEN" generate --no-format --library "$LIB" --language kotlin --out-dir "$work/kotlin" >/dev/null
"$BINDGEN" generate --no-format --library "$LIB" --language swift --out-dir "$work/swift" >/dev/null

# The library holds two UniFFI namespaces: this crate's (`pictify_keys`) and the core's
# records and enums (`pictify_keys_core`, the core's `uniffi` feature; core/uniffi.toml).
# The layout the packages use: Kotlin under each package path (io.pictify.keys and
# io.pictify.keys.core); Swift as one SwiftPM library target (PictifyKeys, both Swift files)
# over a C module target (PictifyKeysFFI) that holds both headers, with their module maps
# joined into one (as bitwarden/sdk-internal does).
mkdir -p "$work/out/kotlin" "$work/out/swift-src" "$work/out/swift-ffi/include"
cp -r "$work/kotlin/." "$work/out/kotlin/"
cp "$work/swift/PictifyKeys.swift" "$work/swift/PictifyKeysCore.swift" "$work/out/swift-src/"
cp "$work/swift/PictifyKeysFFI.h" "$work/swift/PictifyKeysCoreFFI.h" "$work/out/swift-ffi/include/"
cat "$work/swift/PictifyKeysFFI.modulemap" "$work/swift/PictifyKeysCoreFFI.modulemap" \
  >"$work/out/swift-ffi/include/module.modulemap"

if [[ "${1:-}" == "--check" ]]; then
  status=0
  for pair in "kotlin:$KOTLIN_DIR" "swift-src:$SWIFT_SRC" "swift-ffi/include:$SWIFT_FFI/include"; do
    fresh="$work/out/${pair%%:*}"
    committed="${pair#*:}"
    if ! diff -r -u "$committed" "$fresh" >"$work/diff" 2>&1; then
      echo "error: $committed differs from freshly generated bindings:" >&2
      head -40 "$work/diff" >&2
      status=1
    fi
  done
  if [[ $status -ne 0 ]]; then
    echo "Run 'bash bindings/uniffi/generate.sh' and commit the result." >&2
    exit 1
  fi
  echo "generated Kotlin and Swift bindings are up to date"
else
  rm -rf "$KOTLIN_DIR" "$SWIFT_SRC" "$SWIFT_FFI/include"
  mkdir -p "$KOTLIN_DIR" "$SWIFT_SRC" "$SWIFT_FFI"
  cp -r "$work/out/kotlin/." "$KOTLIN_DIR/"
  cp -r "$work/out/swift-src/." "$SWIFT_SRC/"
  cp -r "$work/out/swift-ffi/include" "$SWIFT_FFI/include"
  echo "wrote $KOTLIN_DIR, $SWIFT_SRC, $SWIFT_FFI/include"
fi
