#!/bin/bash
# The approved deploy script: it alone may sync into the live tree.
set -euo pipefail
rsync -a --delete /opt/tenmon-ark-repo/api/dist/ /opt/tenmon-ark-live/dist/
