#!/bin/sh
set -e
cd /opt/tenmon-ark-repo/api
npm run build
rm -rf /opt/tenmon-ark-live/dist
cp -r dist /opt/tenmon-ark-live/
