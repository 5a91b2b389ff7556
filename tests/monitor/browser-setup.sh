#!/usr/bin/env bash
# Installs the headless browser the `audit --html` tests load the report in: Debian's
# `chromium`, idempotently (nothing happens when a chromium is already on PATH). Needs root
# and apt-get, as on the build machines and CI; elsewhere it says what to install and exits 0,
# and the tests then skip loudly (or fail under CI, where CI or PICTIFY_BROWSER_REQUIRED is set).
set -euo pipefail
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then
    echo "browser: $("$b" --version 2>/dev/null | head -1)"
    exit 0
  fi
done
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "browser: no chromium on PATH and no root apt-get to install it: install chromium to run the audit --html browser test" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show chromium >/dev/null 2>&1; then
  apt-get update -qq
fi
apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends chromium >/dev/null
echo "browser: $(chromium --version 2>/dev/null | head -1)"
