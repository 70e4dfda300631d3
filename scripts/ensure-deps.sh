#!/bin/sh
# Installs the npm dependencies when node_modules is missing or older than the lockfile, so
# `npm start` and `npm test` work on a fresh clone. Costs one `test` when nothing changed.
set -e
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ ! -x node_modules/.bin/deno ]; then
  echo "rhythm: installing dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund >&2
fi
