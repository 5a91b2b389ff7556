#!/usr/bin/env bash
# Packs @pictify/keys, installs the tarball into a fresh temporary project, and runs there:
#   (default) the node:test suites and `tsc --noEmit --strict` on the example;
#   --demo    the demo scenario; --bench the bench script; --bench-loggers [N] the logger bench.
set -euo pipefail
pkg="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$pkg/../.." && pwd)"
mode="${1:-test}"
target="${CARGO_TARGET_DIR:-$root/target}"

work="$(mktemp -d /tmp/pictify-keys-node.XXXXXX)"
trap 'rm -rf "$work"' EXIT
(cd "$pkg" && npm pack --pack-destination "$work" --loglevel=error >/dev/null)
tgz="$(ls "$work"/pictify-keys-*.tgz)"
mkdir "$work/project"
cd "$work/project"
printf '{"name":"pictify-keys-node-tests","private":true}\n' > package.json
# The tools the suites use, at the versions package.json pins for development.
dev() { node -p "const d=require('$pkg/package.json').devDependencies; '$1@' + d['$1']"; }
npm install --no-audit --no-fund --loglevel=error "$tgz" \
  "$(dev pino)" "$(dev winston)" "$(dev typescript)" "$(dev @types/node)" >/dev/null
cp -r "$pkg/test" "$pkg/example" "$pkg/scripts" .

export PICTIFY_VECTORS_DIR="$root/tests/vectors"
export PICTIFY_MOCK_API="$target/debug/pictify-mock-api"
case "$mode" in
  --demo) cd "$root" && node "$work/project/scripts/demo.js" examples/check/*.env ;;
  --bench) node scripts/bench.js ;;
  --bench-loggers) node scripts/bench-loggers.js "${2:-1000000}" ;;
  *)
    node --test --test-reporter=spec test/
    npx tsc --noEmit --strict --esModuleInterop --types node example/example.ts
    echo "tsc --noEmit --strict example/example.ts: ok"
    ;;
esac
