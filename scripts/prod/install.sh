#!/usr/bin/env bash
# Installs the production profile's servers from Debian's packages when they are missing:
# PostgreSQL (tracker store), Redis (lock store) and nginx (the front door on :8000).
# `install.sh redis` installs only Redis (what `make bench` needs for its Sanic workers).
set -euo pipefail

wanted=("${@:-postgresql redis nginx}")
wanted=" ${wanted[*]} "
missing=()
if [[ $wanted == *" postgresql "* ]]; then
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
fi
if [[ $wanted == *" redis "* ]]; then
  command -v redis-server >/dev/null || missing+=(redis-server)
fi
if [[ $wanted == *" nginx "* ]]; then
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Missing ${missing[*]} and apt-get is not available: install them by hand" >&2
  exit 1
fi
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "Installing ${missing[*]} from Debian's packages"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
# Debian starts the packaged services; the profile runs its own instances on its own ports.
for package in "${missing[@]}"; do
  $sudo service "${package%-light}" stop >/dev/null 2>&1 || true
done
