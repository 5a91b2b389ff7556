#!/usr/bin/env bash
# `pictify-keys redact` on a log that mixes keys (all fake, marked FAKE) into text, URLs,
# JSON and headers.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${PICTIFY_KEYS_BIN:-target/release/pictify-keys}"
echo
echo "== pictify-keys redact (CLI) =="
log='GET /v1/render?api_key=pk_live_FAKEq8Rk2mZxL0pWv3Ny7a1b2&w=800 200 12ms
Authorization: Bearer pk_test_FAKEh4Jd9sLq2Xc8Bn5Mz0c3d4
{"level":"error","msg":"render failed","key":"pk_live_FAKEq8Rk2mZxL0pWv3Ny7a1b2","status":401}
user pasted PK_TEST_FAKEh4Jd9sLq2Xc8Bn5Mz0c3d4 into the support chat'
echo "\$ cat app.log"
echo "$log"
echo "\$ cat app.log | pictify-keys redact"
echo "$log" | "$BIN" redact
