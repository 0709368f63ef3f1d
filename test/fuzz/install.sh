#!/usr/bin/env bash
# Installs schemathesis (pinned) into test/fuzz/.venv for the schema-driven API fuzzing test
# (test/integration/security/schemathesis.test.ts). Idempotent: does nothing when the pinned
# version is already there. .ci/run calls it before `npm test`.
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
cd "$(dirname "${BASH_SOURCE[0]}")"
venv=.venv

if [[ -x $venv/bin/schemathesis ]] &&
  [[ $("$venv/bin/python" -m pip show schemathesis 2>/dev/null | sed -n 's/^Version: //p') == "$SCHEMATHESIS_VERSION" ]]; then
  echo "schemathesis ${SCHEMATHESIS_VERSION} already installed"
  exit 0
fi

command -v python3 >/dev/null || {
  echo "install.sh: python3 not found (apt-get install python3 python3-venv)" >&2
  exit 1
}
if ! python3 -m venv --clear "$venv" 2>/dev/null; then
  # Debian splits venv (and its bundled pip) out of python3.
  [[ $EUID -eq 0 ]] || {
    echo "install.sh: python3 cannot create a venv; install python3-venv" >&2
    exit 1
  }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends python3-venv
  python3 -m venv --clear "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}"
"$venv/bin/schemathesis" --version
