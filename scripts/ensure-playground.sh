#!/bin/sh
# Builds the playground (served by `npm start` as the dashboard) when its build is missing or
# older than its sources. A Vite build takes a few seconds.
set -e
cd "$(dirname "$0")/.."
out=playground/dist/index.html
if [ ! -f "$out" ] || [ -n "$(find playground/src playground/index.html playground/vite.config.ts playground/datadir-asset.ts interpreter worker -newer "$out" -name '*.ts' -o -newer "$out" -name '*.html' | head -1)" ]; then
  echo "rhythm: building the dashboard (vite build playground)…" >&2
  node_modules/.bin/vite build playground --logLevel error >&2
fi
