#!/usr/bin/env bash
# The approved way.
set -euo pipefail
bash /opt/tenmon-ark-repo/api/scripts/ops/restart_api.sh
ls -la /opt/tenmon-ark-live/dist
cp -r /opt/tenmon-ark-live/dist /tmp/backup
