#!/usr/bin/env bash
# Release lints (`just release-lint`, part of `just test`):
#   - every manifest carries the workspace version (scripts/version.py check);
#   - the GitHub workflows pass actionlint (from the Go module proxy);
#   - publint and @arethetypeswrong/cli (from npm) pass on the packages named as arguments
#     (`node`: @pictify/keys, the default; `wasm`: @pictify/keys-wasm; `just release-lint` passes
#     both), packed as npm would publish them. The wasm tarball carries the built modules, so
#     `just wasm build` runs first when they are missing or older than their sources.
# Tools live under target/release-lint (installed once, pinned).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="${CARGO_TARGET_DIR:-$root/target}/release-lint"
ACTIONLINT=v1.7.12
PUBLINT=0.3.25
ATTW=0.18.5
say() { printf 'release-lint: %s\n' "$*"; }
fail() { printf 'release-lint: FAIL: %s\n' "$*" >&2; exit 1; }

python3 "$root/scripts/version.py" check
# The check itself, on a copy of the manifests: `set` makes them agree, one change is caught.
copy="$(mktemp -d /tmp/pictify-keys-version.XXXXXX)"
(cd "$root" && git ls-files -z -- Cargo.toml Cargo.lock pyproject.toml README.md '*package.json' \
  '*package-lock.json' packages/kotlin/pom.xml packages/kotlin/kotlin.just packages/swift/Package.swift \
  packages/cli-wheel/README.md | xargs -0 cp --parents -t "$copy")
PICTIFY_VERSION_ROOT="$copy" python3 "$root/scripts/version.py" set 9.8.7-rc.1 >/dev/null
sed -i 's/"version": "9.8.7-rc.1"/"version": "9.8.6"/' "$copy/packages/node/npm/linux-arm64-musl/package.json"
if PICTIFY_VERSION_ROOT="$copy" python3 "$root/scripts/version.py" check 2>"$copy/err"; then
  rm -rf "$copy"; fail "version.py check missed a platform package at another version"
fi
grep -q 'packages/node/npm/linux-arm64-musl/package.json: version is 9.8.6 (want 9.8.7-rc.1)' "$copy/err" \
  || { cat "$copy/err"; rm -rf "$copy"; fail "version.py check did not name the file"; }
rm -rf "$copy"
say "version.py: set then check agree on a copy; a changed platform package is caught"

mkdir -p "$tools"
if [ "$("$tools/bin/actionlint" -version 2>/dev/null | head -1)" != "${ACTIONLINT#v}" ]; then
  command -v go >/dev/null || fail "actionlint needs Go (go install from the Go module proxy)"
  GOBIN="$tools/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT"
fi
# shellcheck is not used (-shellcheck=) so the result does not depend on what else is installed.
(cd "$root" && "$tools/bin/actionlint" -shellcheck= -pyflakes= -no-color)
say "actionlint $ACTIONLINT: $(cd "$root" && ls .github/workflows | tr '\n' ' ')ok"

if [ ! -x "$tools/npm/node_modules/.bin/attw" ] || [ "$(node -p "require('$tools/npm/node_modules/publint/package.json').version" 2>/dev/null)" != "$PUBLINT" ]; then
  mkdir -p "$tools/npm" && cd "$tools/npm"
  [ -f package.json ] || echo '{"name":"release-lint-tools","private":true}' > package.json
  npm install --no-audit --no-fund --loglevel=error "publint@$PUBLINT" "@arethetypeswrong/cli@$ATTW" >/dev/null
fi
bin="$tools/npm/node_modules/.bin"
# Which npm packages: `node` and `wasm` (both from `just release-lint`); `node` by default.
pkgs=("${@:-node}")
for pkg in "${pkgs[@]}"; do
  dir="$root/packages/$pkg"
  name="$(node -p "require('$dir/package.json').name")"
  if [ "$pkg" = wasm ]; then
    built="$dir/pkg/lite/pictify_keys_wasm_bg.wasm"
    if [ ! -f "$dir/pkg/full/pictify_keys_wasm_bg.wasm" ] || [ ! -f "$built" ] \
      || [ -n "$(cd "$root" && find Cargo.lock core/src core/Cargo.toml bindings/wasm packages/wasm/scripts \
        -type f -newer "$built" -print -quit)" ]; then
      say "$name: modules missing or older than their sources: just wasm build"
      just --justfile "$root/justfile" wasm build >/dev/null
    fi
  fi
  work="$(mktemp -d /tmp/pictify-keys-release-lint.XXXXXX)"
  (cd "$dir" && npm pack --silent --pack-destination "$work" >/dev/null)
  tgz="$(ls "$work"/*.tgz)"
  "$bin/publint" run "$tgz" --strict --level suggestion || { rm -rf "$work"; fail "publint on $name"; }
  # @pictify/keys is CommonJS: every resolution mode. @pictify/keys-wasm is ESM-only (Node 18+,
  # workers, bundlers): every mode too (node10 included: each subpath has its .d.ts beside its
  # .js), except that `require()` from CommonJS resolving to ESM is expected; its two .wasm
  # exports are binary assets for bundlers, not modules with types.
  attw_args=()
  [ "$pkg" = wasm ] && attw_args=(--ignore-rules cjs-resolves-to-esm --exclude-entrypoints ./pictify_keys_wasm_bg.wasm ./lite/pictify_keys_wasm_bg.wasm)
  "$bin/attw" "$tgz" --format table-flipped --no-color "${attw_args[@]}" || { rm -rf "$work"; fail "@arethetypeswrong/cli on $name"; }
  rm -rf "$work"
  say "publint $PUBLINT and attw $ATTW: $name ok"
done
