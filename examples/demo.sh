#!/usr/bin/env bash
# The pictify-keys demo: `pictify-keys check` over the example environments in
# examples/check/, one verdict and exit status per environment. Each binding adds its own
# run of the same scenario below.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${PICTIFY_KEYS_BIN:-target/release/pictify-keys}"

echo "== pictify-keys check (CLI) =="
for file in examples/check/*.env; do
  echo
  echo "# $(basename "$file"): $(head -1 "$file" | sed 's/^# //')"
  echo "\$ pictify-keys check --env-file $file"
  "$BIN" check --env-file "$file" 2>&1
  echo "(exit $?)"
done

echo
echo "# From the process environment, with nothing set:"
echo "\$ env -i pictify-keys check"
env -i "$BIN" check 2>&1
echo "(exit $?)"
