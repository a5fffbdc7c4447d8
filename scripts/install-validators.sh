#!/usr/bin/env bash
# The system tools behind the real vendor validators of the test suite: Debian's
# groovy (the Jenkinsfile parser) and docker-compose (`docker-compose config`).
# Idempotent and quick when both are present; `npm test` runs it first.
set -euo pipefail

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

if installed groovy && installed docker-compose && command -v groovy >/dev/null && command -v docker-compose >/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "polyci tests need groovy and docker-compose on PATH (Debian: apt-get install -y groovy docker-compose)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "installing groovy and docker-compose for the validator tests (apt-get)" >&2
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q groovy docker-compose
