#!/usr/bin/env bash
# The Android library (AAR) of io.pictify:pictify-keys: the Kotlin classes of packages/kotlin
# and libpictify_keys_uniffi.so for x86_64, arm64-v8a and armeabi-v7a (cargo-ndk), in the AAR
# layout (classes.jar, jni/<abi>/, AndroidManifest.xml, R.txt):
#   bash scripts/build-aar.sh OUT_DIR
# Needs the Android NDK (ANDROID_NDK_HOME), cargo-ndk and the three Rust Android targets. No
# registry of the project's build machines serves the NDK, so this runs only in
# .github/workflows/release.yml (job `android`). Apps add JNA's Android build beside it:
#   implementation("net.java.dev.jna:jna:5.18.1@aar")
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:?usage: build-aar.sh OUT_DIR}" && cd "$1" && pwd)"
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK}"
command -v cargo-ndk >/dev/null || { echo "build-aar: cargo install --locked cargo-ndk" >&2; exit 1; }
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Native libraries: cargo-ndk writes jni/<abi>/libpictify_keys_uniffi.so (API level 21).
(cd "$root" && cargo ndk --platform 21 -t x86_64 -t arm64-v8a -t armeabi-v7a -o "$work/aar/jni" \
  build --release --locked -p pictify-keys-uniffi)
for abi in x86_64 arm64-v8a armeabi-v7a; do
  [ -f "$work/aar/jni/$abi/libpictify_keys_uniffi.so" ] || { echo "build-aar: no $abi library" >&2; exit 1; }
done

# The Kotlin classes (no native inside: on Android the library comes from jni/).
(cd "$root/packages/kotlin" && mvn -B -q -ntp package -DskipTests)
cp "$root/packages/kotlin/target/pictify-keys-$version.jar" "$work/aar/classes.jar"
cat > "$work/aar/AndroidManifest.xml" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="io.pictify.keys">
    <uses-sdk android:minSdkVersion="21" />
</manifest>
EOF
: > "$work/aar/R.txt"
(cd "$work/aar" && zip -qr "$out/pictify-keys-$version.aar" AndroidManifest.xml R.txt classes.jar jni)
unzip -l "$out/pictify-keys-$version.aar"
