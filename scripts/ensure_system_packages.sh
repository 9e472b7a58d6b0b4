#!/usr/bin/env bash
# System packages the portal needs beyond Python and Node: Pango and fonts for WeasyPrint (PDF
# reports) and, for the browser tests, Debian's Chromium (Playwright cannot download its own
# browser in closed networks) and a Java runtime for the W3C Nu HTML Checker (npm vnu-jar), which
# validates every page the browser tests visit. Installs what is missing when this machine can (root + apt).
# Usage: ensure_system_packages.sh [--with-browser] [--with-bench] [--optional]
#   --with-bench: wrk, the load generator make bench measures throughput with.
#   --optional: say what is missing but do not fail (make run works without PDF reports).
set -euo pipefail
with_browser=0
with_bench=0
optional=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) with_browser=1 ;;
    --with-bench) with_bench=1 ;;
    --optional) optional=1 ;;
  esac
done

browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || missing+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi "dejavu" || missing+=(fonts-dejavu-core fontconfig)
if [ "$with_browser" = 1 ] && [ ! -x "$browser" ]; then
  missing+=(chromium)
fi
if [ "$with_bench" = 1 ] && ! command -v wrk >/dev/null 2>&1; then
  missing+=(wrk)
fi
if [ "$with_browser" = 1 ] && ! command -v "${JAVA:-java}" >/dev/null 2>&1; then
  missing+=(default-jre-headless)
fi
# The deployment tests: pg_dump/pg_restore for the backup drill, `ip` for the two hosts' network namespaces.
if [ "$with_browser" = 1 ] && ! command -v pg_dump >/dev/null 2>&1; then
  missing+=(postgresql-client)
fi
if [ "$with_browser" = 1 ] && ! command -v ip >/dev/null 2>&1; then
  missing+=(iproute2)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "Installing missing system packages: ${missing[*]} ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
message="Missing system packages: ${missing[*]} (Debian/Ubuntu: 'sudo apt-get install ${missing[*]}'; set CHROMIUM_PATH for another Chromium, JAVA for another Java)."
if [ "$optional" = 1 ]; then
  echo "$message PDF reports will not work until they are installed." >&2
  exit 0
fi
echo "$message" >&2
exit 1
