#!/usr/bin/env bash
# The one cross-architecture test of `just test` (`just cross-smoke`): the `pictify-keys`
# command built for aarch64 Linux as released (glibc 2.17 baseline, zig as the linker) runs
# every key vector under qemu-aarch64, with Debian's arm64 glibc as its sysroot. The whole
# matrix (wheels, npm packages, jar, Python and Node under qemu) is `just release-build`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
tools="${PICTIFY_RELEASE_TOOLS:-/tmp/pictify-keys-release-tools}"
pkgs=()
command -v qemu-aarch64-static >/dev/null || pkgs+=(qemu-user-static)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || pkgs+=(libc6-arm64-cross)
if [ ${#pkgs[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
bash "$root/scripts/release-build.sh" tools
export PATH="$tools/bin:$PATH"
start=$SECONDS
(cd "$root" && nice -n 10 cargo zigbuild --release --locked --quiet -p pictify-keys-cli --target aarch64-unknown-linux-gnu.2.17)
bin="$target/aarch64-unknown-linux-gnu/release/pictify-keys"
echo "cross-smoke: built $(file -b "$bin" | cut -d, -f1-2) in $((SECONDS - start)) s"
python3 "$root/scripts/cli-vectors.py" --runner "qemu-aarch64-static -L /usr/aarch64-linux-gnu" "$bin"
