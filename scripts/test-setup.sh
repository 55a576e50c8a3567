#!/usr/bin/env bash
# Proves the setup steps of scripts/lib.sh on a machine that lacks each tool: every `ensure_*`
# runs in a sandbox whose PATH holds only basic commands and stub installers (rustup, cargo,
# apt-get, npm, python3 …) that record how they were called. For each missing tool the test
# asserts the install command that ran, the message the user saw, and that the script went on
# afterwards; for a tool that is present, that nothing was installed; and a failing installer
# stops the script with a message naming what failed.
#   bash scripts/test-setup.sh
# The stubs' bodies are single-quoted on purpose: they expand when the stub runs.
# shellcheck disable=SC2016
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0

# A copy of the project root with only what lib.sh reads: its own copy, Cargo.lock's
# wasm-bindgen entry and the browser tests' lockfile.
ROOT="$WORK/root"
mkdir -p "$ROOT/scripts" "$ROOT/tests/browser"
cp "$REPO/scripts/lib.sh" "$ROOT/scripts/"
cp "$REPO/Cargo.lock" "$ROOT/"
cp "$REPO/tests/browser/package-lock.json" "$ROOT/tests/browser/"
# `|| true`: a missing awk or Cargo.lock must end in the message below, not a silent exit.
WANT_BINDGEN="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO/Cargo.lock" || true)"
[ -n "$WANT_BINDGEN" ] || { echo "error: the wasm-bindgen version was not found in Cargo.lock (awk is needed)" >&2; exit 1; }

# Basic commands every step may use; nothing else is on the sandbox PATH.
BASIC="$WORK/basic"
mkdir -p "$BASIC"
for tool in bash sh awk grep sort tail head ls cat mkdir rm touch dirname sed tr env id stat gzip wc cp mktemp chmod; do
  ln -s "$(command -v "$tool")" "$BASIC/$tool"
done

fail() { printf '    FAIL %s\n' "$*"; FAILED=$((FAILED + 1)); }
pass() { printf '    ok   %s\n' "$*"; PASSED=$((PASSED + 1)); }

# stub NAME [BODY]: a command that records "NAME args" in $LOG, then runs BODY (sh).
stub() {
  local name="$1" body="${2:-}"
  printf '#!/bin/sh\necho "%s $*" >> "$LOG"\n%s\n' "$name" "$body" >"$STUBS/$name"
  chmod +x "$STUBS/$name"
}

# new_sandbox: empty stub dir and call log for one case.
new_sandbox() {
  STUBS="$(mktemp -d "$WORK/stubs.XXXX")"
  LOG="$STUBS/calls.log"
  : >"$LOG"
  # Installing as root or through sudo: both are recorded and run the command.
  stub sudo 'exec "$@"'
}

# run_step NAME FUNCTION: runs FUNCTION from lib.sh in the sandbox, then prints CONTINUED —
# the proof that the script went on. Output in $OUT, status in $STATUS.
run_step() {
  local fn="$1"
  set +e
  OUT="$(env -i HOME="$WORK/home" LOG="$LOG" PATH="$STUBS:$BASIC" \
    QX_PG_LIB_ROOT="$WORK/pg-$RANDOM" QX_FUZZ_VENV="$STUBS/venv" \
    bash -c "set -euo pipefail; source '$ROOT/scripts/lib.sh'; $fn; echo CONTINUED" 2>&1)"
  STATUS=$?
  set -e
}

expect() {
  local case="$1" call="$2" message="$3"
  if [ "$STATUS" != 0 ]; then fail "$case: exit $STATUS: $OUT"; return; fi
  if ! grep -F -- "$call" "$LOG" >/dev/null; then fail "$case: no \"$call\" in $(tr '\n' ';' <"$LOG")"; return; fi
  if ! printf '%s' "$OUT" | grep -F -- "$message" >/dev/null; then fail "$case: no message \"$message\" in: $OUT"; return; fi
  if ! printf '%s' "$OUT" | tail -n 1 | grep -x CONTINUED >/dev/null; then fail "$case: did not go on: $OUT"; return; fi
  pass "$case"
}

expect_nothing_installed() {
  local case="$1" message="$2"
  if [ "$STATUS" != 0 ]; then fail "$case: exit $STATUS: $OUT"; return; fi
  if grep -E '^(apt-get|cargo install|npm ci|rustup target add)' "$LOG" >/dev/null; then
    fail "$case: installed although present: $(tr '\n' ';' <"$LOG")"; return
  fi
  if ! printf '%s' "$OUT" | grep -F -- "$message" >/dev/null; then fail "$case: no message \"$message\" in: $OUT"; return; fi
  pass "$case"
}

printf '==> Setup steps with each tool missing (stub installers record the calls)\n'

new_sandbox
stub rustup 'exit 0'
run_step ensure_wasm_target
expect "missing wasm32 target is added" "rustup target add wasm32-unknown-unknown" "Installing the Rust target wasm32-unknown-unknown"

new_sandbox
stub rustup '[ "$1 $2 $3" = "target list --installed" ] && echo wasm32-unknown-unknown; exit 0'
run_step ensure_wasm_target
expect_nothing_installed "present wasm32 target is left alone" "wasm32-unknown-unknown target: present"

new_sandbox
stub cargo 'exit 0'
run_step ensure_wasm_bindgen
expect "missing wasm-bindgen CLI is installed at Cargo.lock's version" "cargo install wasm-bindgen-cli --version $WANT_BINDGEN" "Installing wasm-bindgen-cli $WANT_BINDGEN to match Cargo.lock"

new_sandbox
stub cargo 'exit 0'
stub wasm-bindgen 'echo "wasm-bindgen 0.0.1"'
run_step ensure_wasm_bindgen
expect "a wasm-bindgen CLI of another version is replaced" "cargo install wasm-bindgen-cli --version $WANT_BINDGEN" "to match Cargo.lock"

new_sandbox
stub cargo 'exit 0'
stub wasm-bindgen "echo \"wasm-bindgen $WANT_BINDGEN\""
run_step ensure_wasm_bindgen
expect_nothing_installed "the matching wasm-bindgen CLI is left alone" "wasm-bindgen CLI $WANT_BINDGEN: present"

new_sandbox
stub apt-get 'exit 0'
run_step ensure_node
expect "missing node and npm come from Debian" "apt-get install -y -qq nodejs npm" "Installing Node.js and npm"

new_sandbox
stub node 'echo v20.0.0'
stub npm 'if [ "$1" = ci ]; then mkdir -p node_modules && touch node_modules/.package-lock.json; else echo 9.0.0; fi'
run_step ensure_node_modules
expect "missing browser-test modules are installed from the lockfile" "npm ci --no-audit --no-fund" "Installing playwright-core, binaryen and jsqr"
: >"$LOG"
run_step ensure_node_modules
expect_nothing_installed "installed modules are not installed again" "tests/browser/node_modules: present"
rm -rf "$ROOT/tests/browser/node_modules"

new_sandbox
stub apt-get 'exit 0'
stub fc-list 'echo "DejaVu Sans"'
run_step ensure_chromium
expect "missing chromium and CJK fonts come from Debian" "apt-get install -y -qq chromium fonts-noto-cjk" "Installing Debian chromium and CJK fonts"

new_sandbox
stub chromium 'exit 0'
stub fc-list 'echo "Noto Sans CJK SC"'
stub apt-get 'exit 0'
run_step ensure_chromium
expect_nothing_installed "present chromium and fonts are left alone" "chromium and CJK fonts: present"

new_sandbox
# The Debian package puts the server binaries under the version's directory.
stub apt-get 'case "$*" in *postgresql*) mkdir -p "$QX_PG_LIB_ROOT/17/bin" && printf "#!/bin/sh\necho initdb 17\n" > "$QX_PG_LIB_ROOT/17/bin/initdb" && chmod +x "$QX_PG_LIB_ROOT/17/bin/initdb";; esac; exit 0'
run_step 'ensure_postgres; command -v initdb >/dev/null || die "initdb not on PATH"'
expect "missing PostgreSQL server binaries come from Debian and join PATH" "apt-get install -y -qq postgresql" "Installing PostgreSQL server binaries"

new_sandbox
stub apt-get 'echo "RUNLEVEL=$RUNLEVEL" >> "$LOG"; exit 0'
run_step ensure_nginx
expect "missing nginx, openssl and curl come from Debian without starting a service" "apt-get install -y -qq nginx openssl curl" "Installing nginx, openssl and curl"
if grep -x "RUNLEVEL=1" "$LOG" >/dev/null; then pass "nginx is installed with RUNLEVEL=1 (no system nginx started)"; else fail "RUNLEVEL not passed: $(tr '\n' ';' <"$LOG")"; fi

new_sandbox
stub apt-get 'exit 0'
run_step ensure_shellcheck
expect "missing shellcheck comes from Debian" "apt-get install -y -qq shellcheck" "Installing shellcheck"

new_sandbox
stub apt-get 'exit 0'
run_step ensure_brotli
expect "missing brotli comes from Debian" "apt-get install -y -qq brotli" "Installing brotli"

new_sandbox
stub apt-get 'exit 0'
stub brotli 'exit 0'
run_step ensure_brotli
expect_nothing_installed "present brotli is left alone" "brotli: present"

# Content-hashed names: without sha256sum the build stops and says why; with it, the copy is
# named by the first 16 hex digits of the file's SHA-256.
new_sandbox
mkdir -p "$WORK/named"
printf 'body{}' >"$WORK/named-in.css"
run_step "name=\"\$(hashed '$WORK/named-in.css' '$WORK/named')\"; echo \"NAMED \$name\""
if [ "$STATUS" != 0 ] && printf '%s' "$OUT" | grep -F "sha256sum (Debian package coreutils) is needed" >/dev/null \
  && ! printf '%s' "$OUT" | grep -x CONTINUED >/dev/null; then
  pass "a missing sha256sum stops the web app's build and names the package"
else
  fail "missing sha256sum: exit $STATUS: $OUT"
fi
ln -s "$(command -v sha256sum)" "$STUBS/sha256sum"
run_step "name=\"\$(hashed '$WORK/named-in.css' '$WORK/named')\"; echo \"NAMED \$name\""
# The expected name, worked out here; should that fail, the case below fails and says so
# (under pipefail a bare pipeline in $(…) would stop the whole script without a word).
digest=$(sha256sum "$WORK/named-in.css" || true)
want="named-in.${digest:0:16}.css"
if [ "$STATUS" = 0 ] && printf '%s' "$OUT" | grep -x "NAMED $want" >/dev/null && [ -f "$WORK/named/$want" ]; then
  pass "a file is copied under its content-hashed name"
else
  fail "hashed name: exit $STATUS: $OUT (wanted $want)"
fi

new_sandbox
stub apt-get 'exit 0'
# python3 without venv; once "installed", `-m venv DIR` makes a venv whose pip is a stub.
stub python3 'if [ "$1 $2" = "-m venv" ] && [ -n "${3:-}" ] && [ "$3" != --help ]; then mkdir -p "$3/bin"; printf "#!/bin/sh\necho \"pip \$*\" >> \"\$LOG\"\n" > "$3/bin/pip"; chmod +x "$3/bin/pip"; exit 0; fi; exit 1'
run_step ensure_schemathesis
expect "missing venv and schemathesis are installed" "apt-get install -y -qq python3 python3-venv" "Installing schemathesis"
if grep -F "pip install -q schemathesis==" "$LOG" >/dev/null; then pass "schemathesis is pinned"; else fail "schemathesis not installed by pip: $(tr '\n' ';' <"$LOG")"; fi

new_sandbox
stub apt-get 'if [ "$1" = install ]; then echo "E: Unable to locate package shellcheck" >&2; exit 100; fi; exit 0'
run_step ensure_shellcheck
if [ "$STATUS" != 0 ] && printf '%s' "$OUT" | grep -F "error: apt-get install shellcheck failed" >/dev/null \
  && ! printf '%s' "$OUT" | grep -x CONTINUED >/dev/null; then
  pass "a failing installer stops the script and says what failed"
else
  fail "a failing installer: exit $STATUS: $OUT"
fi

printf '==> Setup steps: %d passed, %d failed\n' "$PASSED" "$FAILED"
[ "$FAILED" = 0 ]
