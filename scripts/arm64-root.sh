#!/usr/bin/env bash
# A Debian 12 arm64 root with Python (pytest) and Node.js, run through qemu-aarch64 and
# binfmt_misc, for running aarch64 builds on an x86_64 machine:
#   bash scripts/arm64-root.sh DIR      (idempotent; about 700 MB; needs root)
# Everything comes from Debian's packages (debootstrap, qemu-user-static). Delete DIR when
# done (`rm -rf DIR`, after `umount DIR/proc` if still mounted).
set -euo pipefail
dir="${1:?usage: arm64-root.sh DIR}"
say() { printf 'arm64-root: %s\n' "$*"; }
[ "$(id -u)" = 0 ] || { echo "arm64-root: needs root (debootstrap, chroot, binfmt_misc)" >&2; exit 1; }
pkgs=()
command -v qemu-aarch64-static >/dev/null || pkgs+=(qemu-user-static)
command -v debootstrap >/dev/null || pkgs+=(debootstrap)
[ ${#pkgs[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
# binfmt_misc: aarch64 ELF files run through qemu (the F flag keeps the interpreter usable
# inside the chroot).
[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register
if [ ! -x "$dir/usr/bin/node" ] || [ ! -x "$dir/usr/bin/python3" ]; then
  start=$SECONDS
  rm -rf "$dir"
  nice -n 10 debootstrap --arch=arm64 --variant=minbase \
    --include=python3,python3-venv,python3-pytest,nodejs,ca-certificates \
    bookworm "$dir" http://deb.debian.org/debian >/dev/null
  say "debootstrap: $((SECONDS - start)) s, $(du -sh "$dir" | cut -f1)"
fi
say "$dir: $(chroot "$dir" /usr/bin/python3 --version), node $(chroot "$dir" /usr/bin/node --version), $(chroot "$dir" /usr/bin/uname -m)"
