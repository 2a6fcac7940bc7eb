#!/bin/bash
# Restart the API the wrong way.
set -euo pipefail

echo "restarting"
fuser -k 3000/tcp
sleep 2
