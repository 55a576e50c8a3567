#!/usr/bin/env bash
# API fuzz suite: schemathesis against the served /api/v1/openapi.json, logged in as each demo role,
# on a throwaway SQLite database with the demo data. Fails on any 5xx or any response that breaks
# the published schema.
#   scripts/fuzz.sh [--cases N] [--seed S]     (defaults: 25 cases per operation, seed 42)
# The test command runs the default (about 1,530 cases per role, 30 s warm); the long suite is
# `scripts/fuzz.sh --cases 200` (about 6,000 cases per role, 4 minutes). Figures: docs/reliability.md.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

CASES=25
SEED=42
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) CASES="${2:?--cases needs a number}"; shift 2 ;;
    --seed) SEED="${2:?--seed needs a number}"; shift 2 ;;
    *) die "unknown option $1 (usage: scripts/fuzz.sh [--cases N] [--seed S])" ;;
  esac
done

step "Checking tools"
ensure_schemathesis
step "Building the backend (release)"
cargo build --release -p quota-backend --bin quota-exchange

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
export DATABASE_URL="sqlite://$WORK/fuzz.db" QX_ADDR="127.0.0.1:$PORT" QX_STATIC_DIR="$WORK"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

step "Starting a throwaway server on $BASE with the demo data"
./target/release/quota-exchange demo >/dev/null
./target/release/quota-exchange serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do
  curl -fs "$BASE/api/v1/openapi.json" >/dev/null && break
  sleep 0.2
done
curl -fs "$BASE/api/v1/openapi.json" >/dev/null || { cat "$WORK/server.log"; die "the server did not start"; }

FAILED=0
# The administrator goes last: its run disables accounts and resets passwords it finds in
# the answers (schemathesis follows links between operations), which would lock the others out.
for ROLE in developer tengxian finance admin; do
  step "Fuzzing as $ROLE: $CASES cases per operation, seed $SEED"
  COOKIE="$(curl -fs -D - -o /dev/null -H "Origin: $BASE" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$ROLE\",\"password\":\"demo-2026\"}" "$BASE/api/v1/session" |
    awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2; exit }')"
  [ -n "$COOKIE" ] || die "could not log in as $ROLE"
  # The session must outlive the run: login/logout (/api/v1/session) are left out.
  if ! "$FUZZ_VENV/bin/schemathesis" run "$BASE/api/v1/openapi.json" --url "$BASE" \
    -H "Cookie: $COOKIE" -H "Origin: $BASE" \
    --exclude-path /api/v1/session \
    -n "$CASES" --seed "$SEED" \
    --checks not_a_server_error,response_schema_conformance; then
    FAILED=1
  fi
done

# A handled 4xx logs nothing at ERROR; a store error or a panic does.
if grep 'ERROR\|panicked' "$WORK/server.log" >"$WORK/errors.log"; then
  head -20 "$WORK/errors.log"
  FAILED=1
fi
[ "$FAILED" = 0 ] || die "schemathesis found failures (see above)"
step "Fuzz suite passed: 0 server errors, 0 schema violations"
