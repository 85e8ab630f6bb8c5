#!/usr/bin/env bash
# Builds the website widget into the given folder (default build/widget): npm ci installs the
# pinned socket.io-client, widget/build.mjs bundles it with the widget. Nothing comes from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/widget}

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  if ! command -v apt-get >/dev/null; then
    echo "node and npm are needed to build the widget: install Node.js 18 or later" >&2
    exit 1
  fi
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    sudo="sudo"
  fi
  echo "Installing Debian's nodejs and npm to build the widget"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
fi

npm ci --prefix widget --no-audit --no-fund --loglevel=error
node widget/build.mjs "$out"
