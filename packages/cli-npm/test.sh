#!/usr/bin/env bash
# The npm packages of the `pictify-keys` command, as a Node user gets them: build the release
# binary, stage @pictify/keys-cli-linux-x64 with it, `npm pack` both packages, install the
# tarballs into a fresh project (no registry: --offline), then `npx pictify-keys scan`:
#   - a project with a staged-in-tree key (a FAKE fixture, counted as real with
#     --fixtures-as-real) fails with the finding; without it, the scan passes;
#   - installed without the platform package (--omit=optional), the launcher fails with
#     error[binary_unavailable] naming the platform.
# Everything lives under target/cli-npm (staging, tarballs) and a temporary directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pkg="$root/packages/cli-npm"
target="${CARGO_TARGET_DIR:-$root/target}"
stage="$target/cli-npm"
locked="${PICTIFY_CARGO_LOCKED---locked}"
say() { printf 'cli-npm-test: %s\n' "$*"; }
fail() { printf 'cli-npm-test: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { say "SKIPPED: the only platform package is linux-x64 (this is $(uname -s)-$(uname -m))"; exit 0; }
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"
for f in "$pkg/launcher/package.json" "$pkg/platforms/linux-x64/package.json"; do
  grep -q "\"version\": \"$version\"" "$f" || fail "$f must have version $version (the workspace version)"
done
grep -q "\"@pictify/keys-cli-linux-x64\": \"$version\"" "$pkg/launcher/package.json" \
  || fail "the launcher must depend on @pictify/keys-cli-linux-x64 $version"

(cd "$root" && cargo build --release $locked --quiet -p pictify-keys-cli)
rm -rf "$stage"
mkdir -p "$stage/tarballs"
cp -r "$pkg/launcher" "$stage/launcher"
cp -r "$pkg/platforms/linux-x64" "$stage/linux-x64"
mkdir -p "$stage/linux-x64/bin"
cp "$target/release/pictify-keys" "$stage/linux-x64/bin/pictify-keys"
for p in launcher linux-x64; do
  (cd "$stage/$p" && npm pack --silent --pack-destination "$stage/tarballs" >/dev/null)
done
launcher_tgz="$stage/tarballs/pictify-keys-cli-$version.tgz"
platform_tgz="$stage/tarballs/pictify-keys-cli-linux-x64-$version.tgz"
tar -tzf "$platform_tgz" | grep '^package/bin/pictify-keys$' >/dev/null || fail "the platform tarball has no binary"
say "packed $(basename "$launcher_tgz") and $(basename "$platform_tgz") ($(du -k "$platform_tgz" | cut -f1) KB)"

work="$(mktemp -d /tmp/pictify-keys-cli-npm.XXXXXX)"
trap 'rm -rf "$work"' EXIT
npm_install() { npm install --offline --no-audit --no-fund --silent "$@"; }

# A fresh project with both tarballs: npx runs the binary.
app="$work/app"
mkdir -p "$app/src"
cd "$app"
echo '{ "name": "app", "private": true }' > package.json
npm_install "$launcher_tgz" "$platform_tgz"
[ "$(npx --no-install pictify-keys --version)" = "pictify-keys $version" ] || fail "npx pictify-keys --version"
fixture="pk_live_FAKE$(python3 -c 'import secrets, string; a = string.ascii_letters + string.digits; print("".join(secrets.choice(a) for _ in range(24)))')"
printf 'export const apiKey = "%s";\n' "$fixture" > src/config.js
set +e
out="$(npx --no-install pictify-keys scan src --fixtures-as-real --no-progress 2>&1)"
status=$?
set -e
[ "$status" = 1 ] || fail "npx pictify-keys scan with a key: exit $status (want 1): $out"
grep -q "src/config.js:1:.*pk_live_\*\*\*\*${fixture: -4}" <<<"$out" || fail "the finding is not reported: $out"
grep -q "${fixture:8}" <<<"$out" && fail "the output contains the secret"
say "npx pictify-keys scan: exit 1 with the finding (src/config.js, pk_live_****${fixture: -4})"
printf 'export const apiKey = process.env.PICTIFY_API_KEY;\n' > src/config.js
npx --no-install pictify-keys scan src --fixtures-as-real --no-progress >/dev/null || fail "npx pictify-keys scan without a key failed"
say "npx pictify-keys scan without a key: exit 0"

# Without the platform package: a clear error naming the platform, not a stack trace.
bare="$work/bare"
mkdir -p "$bare"
cd "$bare"
echo '{ "name": "bare", "private": true }' > package.json
npm_install --omit=optional "$launcher_tgz"
[ ! -e node_modules/@pictify/keys-cli-linux-x64 ] || fail "--omit=optional installed the platform package"
set +e
out="$(npx --no-install pictify-keys scan 2>&1)"
status=$?
set -e
[ "$status" = 2 ] || fail "without a binary: exit $status (want 2): $out"
grep -q '^error\[binary_unavailable\]: .*(linux-x64).*@pictify/keys-cli-linux-x64' <<<"$out" || fail "no binary_unavailable error naming the platform: $out"
say "without the platform package: exit 2, error[binary_unavailable] naming linux-x64"
say "ok"
