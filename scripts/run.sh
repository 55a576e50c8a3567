#!/usr/bin/env bash
# Sets up and runs Quota Exchange on the embedded SQLite default with demo data.
#   scripts/run.sh [--port N] [--fresh] [--database-url URL]
# The demo runs on its own SQLite file, data/demo.db, kept between runs (--fresh starts it
# again). A DATABASE_URL in the environment is never used unless passed with --database-url,
# and `demo` loads nothing into a database that already holds accounts or listings.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

PORT=8080
FRESH=0
DEMO_DB="$ROOT/data/demo.db"
URL="sqlite://$DEMO_DB"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="${2:?--port needs a number}"; shift 2 ;;
    --fresh) FRESH=1; shift ;;
    --database-url) URL="${2:?--database-url needs a URL}"; shift 2 ;;
    *) die "unknown option $1 (usage: scripts/run.sh [--port N] [--fresh] [--database-url URL])" ;;
  esac
done
if [ -n "${DATABASE_URL:-}" ] && [ "$URL" != "$DATABASE_URL" ]; then
  note "DATABASE_URL is set in this shell but not used: the demo runs on $URL."
  note "To run on that database, pass it explicitly: scripts/run.sh --database-url \"\$DATABASE_URL\""
fi
export DATABASE_URL="$URL"
export QX_ADDR="${QX_ADDR:-127.0.0.1:$PORT}"
export QX_STATIC_DIR="$ROOT/frontend/dist"
if [ "$FRESH" = 1 ]; then
  [ "$URL" = "sqlite://$DEMO_DB" ] || die "--fresh deletes only the demo's own database, not $URL"
  step "Starting the demo database again (--fresh): removing $DEMO_DB"
  rm -f "$DEMO_DB" "$DEMO_DB-wal" "$DEMO_DB-shm"
fi

step "Checking tools"
ensure_wasm_target
ensure_wasm_bindgen
if command -v npm >/dev/null; then ensure_node_modules; else note "npm absent: skipping wasm-opt"; fi
build_frontend
build_backend_release

step "Preparing the database ($DATABASE_URL) and the demo data"
./target/release/quota-exchange demo || die "the demo data was not loaded (see above); nothing was changed"

step "Starting the server — open http://$QX_ADDR/ (Ctrl-C stops it)"
exec ./target/release/quota-exchange serve
