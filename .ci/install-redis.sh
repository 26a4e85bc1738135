#!/usr/bin/env bash
# Installs redis-server from Debian's packages if it is missing, without starting the system service,
# and what the security and Cluster tests need beside it: redis-cli (Debian's redis-tools, which
# redis-server depends on), openssl (to generate the TLS test certificate), and iproute2 and iptables
# (PartitionTest cuts a child JVM off Redis in a network namespace of its own; it needs root).
# Idempotent: a machine that already has them only prints redis-server's version.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "$(id -u)" -eq 0 ]; then
  # only root can use them: elsewhere the test skips itself
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-redis.sh: ${missing[*]} missing and installing needs root" >&2
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
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

redis-server --version
