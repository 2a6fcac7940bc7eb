#!/usr/bin/env bash
# Installs what the guard and its tests need on a fresh Debian machine: the Debian packages listed in
# scripts/ci-deps.txt (when running as root and any is missing) and a virtualenv in .venv with the package and its
# test extra. Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=${1:-}
missing=()
if [ "$want_tests" = "--test" ]; then
  while read -r pkg; do
    [ -z "$pkg" ] || [ "${pkg:0:1}" = "#" ] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done < scripts/ci-deps.txt
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)$want_tests
if [ ! -e "$stamp" ]; then
  extra=""
  [ "$want_tests" = "--test" ] && extra="[test]"
  .venv/bin/pip install -q --disable-pip-version-check -e ".$extra"
  touch "$stamp"
fi
