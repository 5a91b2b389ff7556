#!/usr/bin/env bash
# Proves the offline build (`just vendor-test`): vendors every crate into a temporary
# directory (scripts/vendor.sh), then builds and tests the core and the UniFFI crate from it
# with cargo cut off from the network: PICTIFY_VENDOR_DIR applied through BASH_ENV as the
# justfile does (its own CARGO_HOME: no registry cache to fall back on, net.offline), inside
# a network namespace with only loopback when `unshare -n` is allowed (root), and in a target
# directory of its own that is deleted afterwards. Not part of `just test` (a full debug build
# from scratch, several minutes).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/pictify-keys-vendor.XXXXXX)"
trap 'rm -rf "$work"' EXIT
bash "$root/scripts/vendor.sh" "$work/vendor"
run=(bash -c)
if unshare -n true 2>/dev/null; then
  run=(unshare -n bash -c)
  echo "vendor-test: in a network namespace with loopback only"
else
  echo "vendor-test: unshare -n is not allowed here; cargo is offline by configuration only"
fi
start=$SECONDS
PICTIFY_VENDOR_DIR="$work/vendor" BASH_ENV="$root/scripts/vendor-env.sh" CARGO_TARGET_DIR="$work/target" \
  "${run[@]}" '
    set -euo pipefail
    ip link set lo up 2>/dev/null || true
    cd "'"$root"'"
    echo "vendor-test: CARGO_HOME=$CARGO_HOME CARGO_NET_OFFLINE=$CARGO_NET_OFFLINE"
    if getent hosts index.crates.io >/dev/null 2>&1; then echo "vendor-test: note: index.crates.io resolves here"; else echo "vendor-test: index.crates.io does not resolve"; fi
    status=0
    nice -n 10 cargo test --locked -p pictify-keys -p pictify-keys-uniffi --all-features >"$CARGO_TARGET_DIR.log" 2>&1 || status=$?
    grep -E "^test result:|^error|Downloading|Updating" "$CARGO_TARGET_DIR.log" || true
    [ "$status" = 0 ] || { tail -30 "$CARGO_TARGET_DIR.log"; exit "$status"; }
    passed=0; while read -r n; do passed=$((passed + n)); done < <(sed -n "s/^test result: ok. \([0-9]*\) passed.*/\1/p" "$CARGO_TARGET_DIR.log")
    echo "vendor-test: $passed tests passed"
  '
echo "vendor-test: core and UniFFI crate built and tested from the vendored crates, offline ($((SECONDS - start)) s)"
