# Sourced by the wasm scripts: picks the wasm32 toolchain and exports the cargo settings.
#
# - A rustup toolchain with the wasm32-unknown-unknown target (a developer laptop after
#   `rustup target add wasm32-unknown-unknown`) is used as is.
# - Otherwise (these build machines: rustup cannot fetch the wasm32 standard library), the
#   Debian packages rustc-web + rust-web-src + lld-22 build std for wasm32 from source
#   (-Zbuild-std), see /work/shared/toolchain.md.
#
# Size profile: opt-level "z", fat LTO, one codegen unit, panic=abort, set through
# CARGO_PROFILE_RELEASE_* for these builds only; the workspace [profile.release] used by the
# other crates is left alone. A separate target dir keeps the two compilers apart.

WASM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
export CARGO_TARGET_DIR="${WASM_TARGET_DIR:-$WASM_ROOT/target-wasm}"
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z
export CARGO_PROFILE_RELEASE_LTO=fat
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
export CARGO_PROFILE_RELEASE_PANIC=abort
export CARGO_PROFILE_RELEASE_DEBUG=false
export CARGO_PROFILE_RELEASE_STRIP=false
# WebAssembly SIMD, so the redaction search (which build.sh compiles at opt-level 2: "z"
# turns loop vectorisation off) runs 16 bytes at a time: about 5x on that search (README
# lists the engines that support it; docs/benchmarks.md has the figures).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export PATH="$HOME/.cargo/bin:$PATH"

if rustup target list --installed 2>/dev/null | grep -x wasm32-unknown-unknown >/dev/null; then
  WASM_TOOLCHAIN=rustup
  WASM_CARGO_FLAGS=()
else
  WASM_TOOLCHAIN=debian
  if [ ! -x /usr/bin/rustc ] || ! command -v wasm-ld-22 >/dev/null; then
    echo "no wasm32 toolchain: run 'just wasm setup' (apt-get install rustc-web cargo-web rust-web-src lld-22)" >&2
    exit 1
  fi
  export RUSTC_BOOTSTRAP=1
  export RUSTC=/usr/bin/rustc
  export RUSTDOC=/usr/bin/rustdoc
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
  WASM_CARGO_FLAGS=(-Zbuild-std=std,panic_abort)
fi
export WASM_TOOLCHAIN
