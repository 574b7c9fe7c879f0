#!/bin/sh
# Writes Deno's global types (the `Deno` namespace) for tsconfig.deno.json, as packages/deno does.
set -e
mkdir -p node_modules/.deno-types
DENO_NO_UPDATE_CHECK=1 deno types | sed '/reference lib=.deno[.]/d' > node_modules/.deno-types/deno.d.ts
