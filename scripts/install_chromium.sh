#!/usr/bin/env bash
# Installs Debian's chromium for the browser test when it is missing: Playwright's own browser
# download is not reachable from our machines, so the test drives /usr/bin/chromium instead.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "chromium is missing at $CHROMIUM and apt-get is not available: install chromium" >&2
  exit 1
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "Installing Debian's chromium for the browser test"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium \
  fonts-dejavu-core >/dev/null
test -x "$CHROMIUM"
