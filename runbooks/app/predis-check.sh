#!/bin/sh
# Runs predis-check.php where the Sentinels' addresses are reachable: on this machine when the run reaches
# the nodes directly (the lab), else on the run's jump host over SSH (JUMP_VIA=ssh://root@<public ip>:22),
# which is inside the VPC. The script travels on ssh's stdin; the passwords too, base64-encoded inside it,
# never on a command line.
set -eu
if [ -z "${JUMP_VIA:-}" ]; then
  exec php app/predis-check.php
fi
password="$(printf %s "${REDIS_PASSWORD:-}" | base64 | tr -d '\n')"
sentinel_password="$(printf %s "${SENTINEL_PASSWORD:-}" | base64 | tr -d '\n')"
# The jump host is minutes old: its key is learned on first contact and pinned for this run (RUN_ID) in
# the temp dir — not in ~/.ssh/known_hosts, where a later droplet on the same address would look like an
# attack.
known_hosts="${TMPDIR:-/tmp}/drillbook-${RUN_ID:-run}-jump-known_hosts"
set -- -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile="$known_hosts" \
  -o ConnectTimeout=15
if [ -n "${VIA_KEY:-}" ]; then set -- "$@" -i "$VIA_KEY"; fi
{
  printf '<?php putenv("REDIS_PASSWORD=" . base64_decode("%s")); putenv("SENTINEL_PASSWORD=" . base64_decode("%s")); ?>' \
    "$password" "$sentinel_password"
  cat app/predis-check.php
} | ssh "$@" "$JUMP_VIA" "REDIS_SENTINELS='$REDIS_SENTINELS' MASTER_NAME='${MASTER_NAME:-mymaster}' php"
