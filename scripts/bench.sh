#!/usr/bin/env bash
# The benchmark harness, run on demand (never by the test command): every figure beside a
# baseline measured in the same run, written with the machine and the commands into
# docs/benchmarks.md (between its bench markers).
#   scripts/bench.sh [--seconds N] [--no-write] [SECTION …]
# Sections of the server harness: purchases-sqlite purchases-pg static reads finance (all by
# default); the browser half (first render, office link, WASM calculator) and the native
# calculator bench always run. Takes about 15 minutes on 2 cores.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

SECONDS_EACH=10
WRITE=1
SECTIONS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH="${2:?--seconds needs a number}"; shift 2 ;;
    --no-write) WRITE=0; shift ;;
    -*) die "unknown option $1 (usage: scripts/bench.sh [--seconds N] [--no-write] [SECTION …])" ;;
    *) SECTIONS+=("$1"); shift ;;
  esac
done
DOC="$ROOT/docs/benchmarks.md"

step "Checking tools"
ensure_wasm_target
ensure_wasm_bindgen
ensure_node_modules
ensure_chromium
ensure_postgres
build_frontend
build_backend_release
step "Building the harness (cargo build --release -p quota-tests --bin bench)"
cargo build --release -p quota-tests --bin bench || die "harness build failed"

step "Calculator, native (cargo bench -p quota-shared --bench calculator)"
cargo bench -p quota-shared --bench calculator

step "Server: purchases, static files, reads and finance at scale"
WRITE_ARGS=()
if [ "$WRITE" = 1 ]; then WRITE_ARGS=(--write "$DOC"); fi
QX_BIN="$ROOT/target/release/quota-exchange" QX_STATIC_DIR="$ROOT/frontend/dist" \
  target/release/bench "${SECTIONS[@]}" --seconds "$SECONDS_EACH" "${WRITE_ARGS[@]}"

step "Browser: first render, an office link, the calculator in WASM (headless Chromium)"
(cd tests/browser && QX_BIN="$ROOT/target/release/quota-exchange" QX_STATIC_DIR="$ROOT/frontend/dist" \
  node bench.mjs "${WRITE_ARGS[@]}")
if [ "$WRITE" = 1 ]; then step "Figures written to $DOC"; fi
