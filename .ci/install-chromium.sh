#!/usr/bin/env bash
# Debian's Chromium for the browser demo test (npm run test:browser, test/browser-demo.test.ts).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
