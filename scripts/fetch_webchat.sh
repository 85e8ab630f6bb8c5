#!/usr/bin/env bash
# Puts rasa-webchat 1.0.1 (botfront, Apache-2.0), the chat widget most Rasa sites embed, into
# the given folder (default build/webchat) for the browser test that proves our socket.io
# channel works with it. Only its prebuilt UMD file is used, so none of its build-time
# dependencies are installed; the file is checked against the hash it had when this was written.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/webchat}
version=1.0.1
sha256=bfedd788e4bd7df12f64b5bf2963e634f84bac1cb176b6cede60c507d3553f1e

if [[ -f $out/webchat.js ]] && echo "$sha256  $out/webchat.js" | sha256sum --check --status; then
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "rasa-webchat@$version" --silent >/dev/null)
tar -xzf "$work/rasa-webchat-$version.tgz" -C "$work" package/lib/index.js package/LICENSE
echo "$sha256  $work/package/lib/index.js" | sha256sum --check --status || {
  echo "rasa-webchat $version does not have the expected content" >&2
  exit 1
}
mkdir -p "$out"
cp "$work/package/lib/index.js" "$out/webchat.js"
cp "$work/package/LICENSE" "$out/LICENSE"
