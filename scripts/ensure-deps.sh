#!/bin/sh
# Installs the npm dependencies when node_modules is missing or was installed from another
# lockfile, so `npm start` and `npm test` work on a fresh clone. The lockfile's checksum is kept
# in node_modules after each install: a checkout that only touched the file's date (a branch
# switch, a new worktree) installs nothing. Costs one `cksum` when nothing changed.
set -e
cd "$(dirname "$0")/.."
stamp=node_modules/.rhythm-lockfile-cksum
want=$(cksum < package-lock.json)
have=$(cat "$stamp" 2>/dev/null || true)
if [ "$want" != "$have" ] || [ ! -x node_modules/.bin/deno ]; then
  echo "rhythm: installing dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund >&2
  printf '%s\n' "$want" > "$stamp"
fi
