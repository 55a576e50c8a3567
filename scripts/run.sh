#!/usr/bin/env bash
# Sets up and runs Quota Exchange on the embedded SQLite default with demo data.
#   scripts/run.sh [--port N]        (or QX_ADDR=HOST:PORT, DATABASE_URL=… to override)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT=8080
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="${2:?--port needs a number}"; shift 2 ;;
    *) die "unknown option $1 (usage: scripts/run.sh [--port N])" ;;
  esac
done
export QX_ADDR="${QX_ADDR:-127.0.0.1:$PORT}"
export QX_STATIC_DIR="$ROOT/frontend/dist"

step "Checking tools"
ensure_wasm_target
ensure_wasm_bindgen
if command -v npm >/dev/null; then ensure_node_modules; else note "npm absent: skipping wasm-opt"; fi
build_frontend
build_backend_release

step "Preparing the database (${DATABASE_URL:-sqlite://data/quota-exchange.db}) and the demo data"
./target/release/quota-exchange demo

step "Starting the server — open http://$QX_ADDR/ (Ctrl-C stops it)"
exec ./target/release/quota-exchange serve
