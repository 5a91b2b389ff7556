#!/usr/bin/env bash
# Builds PictifyKeysFFI.xcframework (static libraries for iOS devices, the iOS simulator and
# macOS, with the generated header and module map) next to Package.swift, so an iOS or macOS
# app can depend on this package. Needs macOS with Xcode and the Rust targets:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin
# Not run in this project's CI (no Apple toolchain there).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
target="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
for t in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin; do
  cargo rustc --release --locked -p pictify-keys-uniffi --lib --crate-type staticlib --target "$t"
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/headers" "$work/ios-sim" "$work/macos"
cp "$here"/Sources/PictifyKeysFFI/include/*.h "$here/Sources/PictifyKeysFFI/include/module.modulemap" "$work/headers/"
lib=libpictify_keys_uniffi.a
lipo -create "$target/aarch64-apple-ios-sim/release/$lib" "$target/x86_64-apple-ios/release/$lib" -output "$work/ios-sim/$lib"
lipo -create "$target/aarch64-apple-darwin/release/$lib" "$target/x86_64-apple-darwin/release/$lib" -output "$work/macos/$lib"
rm -rf "$here/PictifyKeysFFI.xcframework"
xcodebuild -create-xcframework \
  -library "$target/aarch64-apple-ios/release/$lib" -headers "$work/headers" \
  -library "$work/ios-sim/$lib" -headers "$work/headers" \
  -library "$work/macos/$lib" -headers "$work/headers" \
  -output "$here/PictifyKeysFFI.xcframework"
echo "built $here/PictifyKeysFFI.xcframework"
