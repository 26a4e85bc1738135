#!/usr/bin/env bash
# Installs redis-server from Debian's packages if it is missing, without starting the system service.
# Idempotent: a machine that already has redis-server only prints its version.
set -euo pipefail

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-redis.sh: redis-server is missing and installing it needs root" >&2
    exit 1
  fi
  # Keep the package's postinst from starting (or enabling at boot) the Debian service.
  policy=/usr/sbin/policy-rc.d
  created_policy=no
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=yes
  fi
  trap 'if [ "$created_policy" = yes ]; then rm -f "$policy"; fi' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi

redis-server --version
