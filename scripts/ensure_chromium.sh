#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright cannot download its own browser
# in closed networks). Install it when it is missing and this machine can.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "Chromium is missing; installing Debian's chromium package ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x "$browser" ] && exit 0
fi
echo "The browser tests need Chromium at $browser: install it (Debian/Ubuntu: 'sudo apt-get install chromium') or set CHROMIUM_PATH to a Chromium binary." >&2
exit 1
