#!/usr/bin/env bash
# The pre-commit hook, for real: pre-commit from PyPI, the `pictify-keys` command built into
# a wheel (packages/cli-wheel) in a local wheelhouse, and a throwaway git repository.
#   1. `pre-commit try-repo <this repo> pictify-keys-scan` with a staged key fails, naming it;
#   2. the README's three-line .pre-commit-config.yaml, installed as the git hook, makes
#      `git commit` fail the same way; once the key is removed, the commit goes through.
# pre-commit installs the hook from this repository's root pyproject.toml, which depends on
# pictify-keys-cli==<version>: with PIP_NO_INDEX=1 and PIP_FIND_LINKS=<wheelhouse> it can only
# get the wheel built here, never one from PyPI. The key is generated at run time, without
# the FAKE fixture marker, and lives only in the temporary repository.
# `run.sh --build-only` builds the wheel and prints its path (`just cli-wheel`).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
tools="$target/hook-test/tools"         # pre-commit (from PyPI), kept between runs
wheelhouse="$target/hook-test/wheelhouse"
locked="${PICTIFY_CARGO_LOCKED---locked}"
say() { printf 'hook-test: %s\n' "$*"; }
fail() { printf 'hook-test: FAIL: %s\n' "$*" >&2; exit 1; }

version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"
grep -q "\"pictify-keys-cli==$version\"" "$root/pyproject.toml" \
  || fail "pyproject.toml must depend on pictify-keys-cli==$version (the workspace version)"

# Tools: pre-commit and maturin in one venv, installed once (from PyPI).
if [ ! -x "$tools/bin/pre-commit" ] || [ ! -x "$tools/bin/maturin" ]; then
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check 'pre-commit>=3.5,<5' 'maturin>=1.9.4,<2'
fi
# The wheelhouse: our CLI wheel, built now, and the build backend of the root pyproject.toml.
mkdir -p "$wheelhouse"
rm -f "$wheelhouse"/pictify_keys_cli-*.whl
(cd "$root/packages/cli-wheel" && "$tools/bin/maturin" build --release $locked --quiet --out "$wheelhouse" >/dev/null)
ls "$wheelhouse"/setuptools-*.whl >/dev/null 2>&1 \
  || "$tools/bin/pip" download --quiet --disable-pip-version-check --only-binary=:all: -d "$wheelhouse" 'setuptools>=70.1'
wheel="$(ls "$wheelhouse"/pictify_keys_cli-"$version"-*.whl)"
# The wheel's member holding the command (python3's zipfile: unzip may not be installed).
member() { python3 -c 'import sys, zipfile; print(*[n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.endswith(".data/scripts/pictify-keys")])' "$1"; }
wheel_binary_sha() { python3 -c 'import hashlib, sys, zipfile; print(hashlib.sha256(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2])).hexdigest())' "$1" "$(member "$1")"; }
[ -n "$(member "$wheel")" ] || fail "$wheel carries no pictify-keys script"
say "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KB)"
[ "${1:-}" = "--build-only" ] && { echo "$wheel"; exit 0; }

work="$(mktemp -d /tmp/pictify-keys-hook.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheelhouse" PRE_COMMIT_HOME="$work/pre-commit-home"
export PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_REQUIRE_VIRTUALENV VIRTUAL_ENV
repo="$work/project"
git init --quiet "$repo"
cd "$repo"
git config user.email hook-test@example.invalid
git config user.name hook-test
git config commit.gpgsign false
echo "print('hello')" > app.py
git add app.py
git commit --quiet -m "first commit, no key" --no-verify

# A live key as a user would paste it: random base62 body, no FAKE marker (not a fixture; the
# fixed "Zx" start rules out a random FAKE prefix).
body="$(python3 -c 'import secrets, string; a = string.ascii_letters + string.digits; print("Zx" + "".join(secrets.choice(a) for _ in range(30)))')"
key="pk_live_$body"
printf 'import os\nAPI_KEY = "%s"\n' "$key" > settings.py
git add settings.py

# 1. try-repo on this repository (its working tree as it is).
set +e
out="$("$tools/bin/pre-commit" try-repo "$root" pictify-keys-scan 2>&1)"
status=$?
set -e
printf '%s\n' "$out" | grep -v "^\[INFO\]" | sed 's/^/    /'
[ "$status" -ne 0 ] || fail "try-repo passed although a key is staged"
grep -q "settings.py" <<<"$out" || fail "try-repo output does not name settings.py"
grep -q "pk_live_\*\*\*\*${body: -4}" <<<"$out" || fail "try-repo output does not show the key's fingerprint"
grep -q "$body" <<<"$out" && fail "try-repo output contains the secret"
say "try-repo with a staged key: failed as it should (exit $status)"

# 2. The README's configuration as the git hook: the commit itself is refused.
rev="$(git -C "$root" rev-parse HEAD)"
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $root
    rev: $rev
    hooks: [{ id: pictify-keys-scan }]
YAML
git add .pre-commit-config.yaml
"$tools/bin/pre-commit" install --install-hooks >/dev/null
set +e
out="$(git commit -m "add settings" 2>&1)"
status=$?
set -e
[ "$status" -ne 0 ] || fail "git commit went through with a staged key"
grep -q "pk_live_\*\*\*\*${body: -4}" <<<"$out" || fail "the refused commit does not name the key: $out"
grep -q "$body" <<<"$out" && fail "the hook output contains the secret"
git rev-parse --verify -q HEAD~1 >/dev/null && fail "a commit was made"
say "git commit with a staged key: refused by the hook"
# The command the git hook ran is the one from our wheel (PIP_NO_INDEX: nothing else was
# reachable). try-repo keeps its environment in a directory it deletes; the hook does not.
installed="$(find "$PRE_COMMIT_HOME" -path '*/bin/pictify-keys' -type f -print -quit)"
[ -n "$installed" ] || fail "no pictify-keys command in pre-commit's hook environment"
[ "$(sha256sum "$installed" | cut -d' ' -f1)" = "$(wheel_binary_sha "$wheel")" ] \
  || fail "the hook's pictify-keys is not the binary of $(basename "$wheel")"
say "hook environment runs the binary from $(basename "$wheel")"

# Remove the key: the same commit goes through, and try-repo passes too.
printf 'import os\nAPI_KEY = os.environ["PICTIFY_API_KEY"]\n' > settings.py
git add settings.py
git commit --quiet -m "add settings, key from the environment" || fail "git commit refused after the key was removed"
[ "$(git rev-list --count HEAD)" = 2 ] || fail "expected two commits"
"$tools/bin/pre-commit" try-repo "$root" pictify-keys-scan --all-files >/dev/null 2>&1 \
  || fail "try-repo fails without a key"
say "key removed: commit made, try-repo passes"
say "ok"
