#!/bin/bash
set -e
# tenmon-guard: allow force-kill-by-port -- the port is a throwaway test server, not the API
fuser -k 3000/tcp
pkill -9 node  # tenmon-guard: allow kill-app-bypassing-systemd, sigkill-app -- container without systemd
# tenmon-guard: allow live-dir-direct-write
rm -rf /opt/tenmon-ark-live/dist
# tenmon-guard: allow force-kil-by-port -- typo in the rule id
fuser -k 3000/tcp
echo fine  # tenmon-guard: allow sigkill-app -- nothing to suppress here
# tenmon-guard: disable everything
