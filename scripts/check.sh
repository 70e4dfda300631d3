#!/bin/sh
# Static checks: formatting, lint, and type-checking of every entry point with Deno.
set -e
cd "$(dirname "$0")/.."
deno=node_modules/.bin/deno
$deno fmt --check
$deno lint
entries=""
for f in main.ts worker.ts cli.ts serve.ts interpreter/mod.ts worker/mod.ts worker/testing.ts \
  playground/src/main.ts playground/src/engine/engine.worker.ts playground/serve-dashboard.ts \
  playground/datadir-asset.ts playground/vite.config.ts vitest.config.ts \
  bench/run.ts bench/interpreter.ts bench/browser.ts scripts/build-grammar.ts; do
  [ -f "$f" ] && entries="$entries $f"
done
$deno check $entries
