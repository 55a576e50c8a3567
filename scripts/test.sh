#!/usr/bin/env bash
# Sets up and runs every test: formatting, lints, unit and integration tests on SQLite and on a
# throwaway PostgreSQL, the WASM builds, the real binary over HTTP and the page in Chromium.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
START=$(date +%s)

step "Checking tools"
ensure_wasm_target
ensure_wasm_bindgen
ensure_node_modules
ensure_chromium
ensure_postgres
ensure_shellcheck
ensure_nginx
ensure_brotli

step "shellcheck (every script of the two commands and CI)"
shellcheck scripts/*.sh .ci/run
note "clean"

step "Setup steps with each tool missing (scripts/test-setup.sh: stub installers, PATH without the tool)"
bash scripts/test-setup.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings (the web app with and without its staff consoles)"
cargo clippy --workspace --all-targets --features quota-frontend/staff -- -D warnings
cargo clippy -p quota-frontend --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p quota-frontend --target wasm32-unknown-unknown --features staff -- -D warnings

step "Building the domain crate for wasm32-unknown-unknown"
cargo build -p quota-shared --target wasm32-unknown-unknown

build_frontend
build_backend_release

step "cargo test (unit, integration on SQLite and PostgreSQL, the release binary over HTTP)"
export QX_BIN="$ROOT/target/release/quota-exchange"
cargo test --workspace --features quota-frontend/staff

step "API fuzz (schemathesis, 25 cases per operation, each role; scripts/fuzz.sh --cases 200 is the long suite)"
bash scripts/fuzz.sh

step "Browser tests (headless Chromium via playwright-core, real server, fresh SQLite)"
export QX_STATIC_DIR="$ROOT/frontend/dist"
(cd tests/browser && node --test --test-concurrency=1 ./*.test.mjs)

step "All tests passed in $(( $(date +%s) - START )) s"
