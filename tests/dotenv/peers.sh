#!/usr/bin/env bash
# Installs the two peer parsers the dotenv agreement test compares against, as test-only
# dependencies under target/ (never into the user's environment): python-dotenv in a venv
# and Node's `dotenv` in a private npm prefix. Idempotent: a second run does nothing.
# Prints nothing on success but the directory it used.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${DOTENV_PEERS_DIR:-$root/target/dotenv-peers}"
# Pinned so that the comparison table in docs/dotenv.md does not change under our feet.
PY_DOTENV_VERSION="1.0.1"
NODE_DOTENV_VERSION="16.4.5"
mkdir -p "$dir"
if [ ! -x "$dir/venv/bin/python" ] || ! "$dir/venv/bin/python" -c "import dotenv, importlib.metadata as m; assert m.version('python-dotenv') == '$PY_DOTENV_VERSION'" 2>/dev/null; then
  python3 -m venv "$dir/venv"
  "$dir/venv/bin/pip" install --quiet --disable-pip-version-check "python-dotenv==$PY_DOTENV_VERSION"
fi
if [ "$(node -p "try { require('$dir/node/node_modules/dotenv/package.json').version } catch { '' }")" != "$NODE_DOTENV_VERSION" ]; then
  mkdir -p "$dir/node"
  [ -f "$dir/node/package.json" ] || echo '{"private": true}' > "$dir/node/package.json"
  npm install --silent --no-audit --no-fund --prefix "$dir/node" "dotenv@$NODE_DOTENV_VERSION" >/dev/null
fi
echo "$dir"
