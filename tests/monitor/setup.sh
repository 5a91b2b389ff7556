#!/usr/bin/env bash
# Installs what the `pictify-keys audit` tests use beyond cargo, idempotently:
# - the headless browser the `audit --html` test loads the report in: Debian's `chromium`
#   (nothing happens when a chromium is already on PATH; needs root and apt-get, as on the
#   build machines and CI);
# - a venv with `mmdb-writer` from PyPI, with which the `--geoip` test writes its own small
#   .mmdb file (no geo data is fetched or committed): target/monitor-venv.
# Where something cannot be installed it says so and exits 0; the tests then skip loudly, or
# fail under CI (where CI or PICTIFY_BROWSER_REQUIRED is set).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${PICTIFY_MONITOR_VENV:-$root/target/monitor-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import mmdb_writer' >/dev/null 2>&1; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'mmdb-writer==0.2.7' 'netaddr==1.3.0'
fi
echo "mmdb writer: $("$venv/bin/python" -c 'import importlib.metadata as m; print("mmdb-writer", m.version("mmdb-writer"))')"

browser() {
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
      echo "browser: $("$b" --version 2>/dev/null | head -1)"
      return 0
    fi
  done
  return 1
}
browser && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "browser: no chromium on PATH and no root apt-get to install it: install chromium to run the audit --html browser test" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show chromium >/dev/null 2>&1; then
  apt-get update -qq
fi
apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends chromium >/dev/null
browser
