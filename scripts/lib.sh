# Shared steps of scripts/run.sh and scripts/test.sh: each installs what is missing and says so,
# and does nothing when it is already there (so a warm machine pays nothing).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }

# Root runs apt-get directly; anyone else through sudo.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    note "apt-get update"
    as_root apt-get update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
  note "apt-get install $*"
  # Through env, so the settings survive sudo. RUNLEVEL=1 (when asked) keeps a package's
  # service from being started.
  as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL="${RUNLEVEL:-}" apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

ensure_wasm_target() {
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    note "wasm32-unknown-unknown target: present"
  else
    step "Installing the Rust target wasm32-unknown-unknown (rustup)"
    rustup target add wasm32-unknown-unknown || die "rustup target add wasm32-unknown-unknown failed"
  fi
}

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
wasm_bindgen_lock_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_bindgen() {
  local want have
  want="$(wasm_bindgen_lock_version)"
  [ -n "$want" ] || die "wasm-bindgen not found in Cargo.lock"
  # `|| true`: under pipefail a missing wasm-bindgen would end the script here, silently,
  # before the install below could run.
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" = "$want" ]; then
    note "wasm-bindgen CLI $have: present"
  else
    step "Installing wasm-bindgen-cli $want to match Cargo.lock (cargo install, about 5 minutes once)"
    # Not --locked: a locked dependency of the CLI may be missing from the registry mirror.
    cargo install wasm-bindgen-cli --version "$want" || die "cargo install wasm-bindgen-cli $want failed"
  fi
}

ensure_node() {
  if command -v node >/dev/null && command -v npm >/dev/null; then
    note "node $(node --version), npm $(npm --version): present"
  else
    step "Installing Node.js and npm (Debian packages)"
    apt_install nodejs npm
  fi
}

# playwright-core (drives Debian's Chromium) and binaryen (wasm-opt), from the lockfile.
ensure_node_modules() {
  ensure_node
  local stamp=tests/browser/node_modules/.package-lock.json
  if [ -f "$stamp" ] && [ "$stamp" -nt tests/browser/package-lock.json ]; then
    note "tests/browser/node_modules: present"
  else
    step "Installing playwright-core, binaryen and jsqr from tests/browser/package-lock.json (npm ci)"
    (cd tests/browser && npm ci --no-audit --no-fund) || die "npm ci failed"
  fi
}

ensure_chromium() {
  # grep without -q reads fc-list to the end: with -q it exits early, fc-list dies of SIGPIPE
  # and, under pipefail, the fonts would look missing every time.
  if command -v chromium >/dev/null && fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null; then
    note "chromium and CJK fonts: present"
  else
    step "Installing Debian chromium and CJK fonts (for headless browser tests and screenshots)"
    apt_install chromium fonts-noto-cjk
  fi
}

# Where Debian puts the PostgreSQL server binaries (one directory per major version).
PG_LIB_ROOT="${QX_PG_LIB_ROOT:-/usr/lib/postgresql}"

# The newest version's bin directory under $PG_LIB_ROOT, or nothing. (A glob that matches
# nothing stays as written, so each candidate is checked.)
latest_pg_bin() {
  printf '%s\n' "$PG_LIB_ROOT"/*/bin | sort -V | while IFS= read -r dir; do
    if [ -d "$dir" ]; then printf '%s\n' "$dir"; fi
  done | tail -n 1
}

ensure_postgres() {
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    note "PostgreSQL server binaries: present ($(initdb --version))"
    return
  fi
  local bin
  bin="$(latest_pg_bin)"
  if [ -z "$bin" ]; then
    step "Installing PostgreSQL server binaries (Debian package postgresql; no cluster is started)"
    apt_install postgresql
    bin="$(latest_pg_bin)"
  fi
  [ -n "$bin" ] || die "PostgreSQL binaries not found after install"
  export PATH="$bin:$PATH"
  note "PostgreSQL server binaries: $bin"
}

# nginx, openssl and curl for the deployment test (deploy/README.md). RUNLEVEL=1 keeps the
# package from starting a system nginx on port 80: the test runs its own.
ensure_nginx() {
  if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
    if command -v openssl >/dev/null && command -v curl >/dev/null; then
      note "nginx, openssl and curl: present"
      return
    fi
  fi
  step "Installing nginx, openssl and curl (Debian packages, for the deployment test; no service is started)"
  RUNLEVEL=1 apt_install nginx openssl curl
}

ensure_shellcheck() {
  if command -v shellcheck >/dev/null; then
    note "shellcheck $(shellcheck --version | awk '/^version:/ { print $2 }'): present"
  else
    step "Installing shellcheck (Debian package, to check the scripts)"
    apt_install shellcheck
  fi
}

# schemathesis for the API fuzz suite, in its own virtualenv under target/.
SCHEMATHESIS_VERSION=4.32.5
FUZZ_VENV="${QX_FUZZ_VENV:-$ROOT/target/fuzz-venv}"
ensure_schemathesis() {
  if "$FUZZ_VENV/bin/schemathesis" --version 2>/dev/null | grep "$SCHEMATHESIS_VERSION" >/dev/null; then
    note "schemathesis $SCHEMATHESIS_VERSION: present ($FUZZ_VENV)"
    return
  fi
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    step "Installing Python 3 and venv (Debian packages)"
    apt_install python3 python3-venv
  fi
  step "Installing schemathesis $SCHEMATHESIS_VERSION into $FUZZ_VENV (pip)"
  rm -rf "$FUZZ_VENV"
  python3 -m venv "$FUZZ_VENV" || die "python3 -m venv failed"
  "$FUZZ_VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION" || die "pip install schemathesis failed"
}

# Builds the web app into frontend/dist: cargo (wasm32, release) → wasm-bindgen → wasm-opt
# (npm binaryen, when installed) → static files. Skips the slow steps when nothing changed.
# brotli, to compress the web app's files ahead of time (gzip is everywhere already).
ensure_brotli() {
  if command -v brotli >/dev/null; then
    note "brotli: present"
  else
    step "Installing brotli (Debian package, to precompress the web app)"
    apt_install brotli
  fi
}

# The web app: Yew → WASM in two bundles, the public pages (`frontend`) and the staff consoles
# with every page (`staff`, feature `staff`), each through wasm-bindgen and wasm-opt -Oz (when
# binaryen is installed) in target/web, then assembled into frontend/dist.
build_frontend() {
  step "Building the web app (Yew → WASM, public and staff bundles) into frontend/dist"
  mkdir -p target/web
  build_bundle frontend
  build_bundle staff --features staff
  assemble_dist target/web frontend/dist
}

# build_bundle NAME [CARGO ARGS]: one bundle into target/web/NAME.js and NAME_bg.wasm; skipped
# when the compiled WASM is the one it was made from.
build_bundle() {
  local name="$1" web=target/web wasm=target/wasm32-unknown-unknown/wasm-release/quota-frontend.wasm
  shift
  cargo build -p quota-frontend --target wasm32-unknown-unknown --profile wasm-release "$@" || die "frontend build ($name) failed"
  if [ -f "$web/${name}_bg.wasm" ] && cmp -s "$wasm" "$web/$name.input.wasm"; then
    note "$name bundle up to date"
    return
  fi
  rm -f "$web/$name.input.wasm"
  wasm-bindgen --target web --no-typescript --out-dir "$web" --out-name "$name" "$wasm" || die "wasm-bindgen ($name) failed"
  local opt=tests/browser/node_modules/.bin/wasm-opt
  if [ -x "$opt" ]; then
    note "wasm-opt -Oz $name (npm binaryen)"
    "$opt" -Oz "$web/${name}_bg.wasm" -o "$web/${name}_bg.opt.wasm" || die "wasm-opt ($name) failed"
    mv "$web/${name}_bg.opt.wasm" "$web/${name}_bg.wasm"
  else
    note "wasm-opt not installed: the $name bundle is unoptimised"
  fi
  # Last: what the bundle was made from, so a failed step above is redone next time.
  cp "$wasm" "$web/$name.input.wasm" || die "cannot copy $wasm"
}

# hashed FILE DIR: copies FILE into DIR as STEM.HASH.EXT (the first 16 hex digits of its
# SHA-256) and prints the new name. A changed file gets a new name, so a browser may keep any
# file for a year and still never run a stale one.
hashed() {
  local file="$1" dir="$2" base hash
  command -v sha256sum >/dev/null || die "sha256sum (Debian package coreutils) is needed to name the web app's files"
  base="${file##*/}"
  hash="$(sha256sum "$file")" || die "sha256sum $file failed"
  hash="${hash:0:16}"
  cp "$file" "$dir/${base%.*}.$hash.${base##*.}" || die "cannot copy $file"
  printf '%s' "${base%.*}.$hash.${base##*.}"
}

# assemble_dist WEB DIST: the files the server sends, in a fresh folder swapped in at the end:
# content-hashed names (index.html, which names them, keeps its name and is revalidated), and
# beside each file its gzip -9 and brotli -q 11 copies, made once here instead of per request.
assemble_dist() {
  local web="$1" dist="$2" stage name f boot_name css_name
  local -A hashed_name=()
  ensure_brotli
  stage="$(mktemp -d "$dist.new.XXXX")" || die "cannot create a folder beside $dist"
  for name in frontend_bg.wasm frontend.js staff_bg.wasm staff.js; do
    hashed_name[$name]="$(hashed "$web/$name" "$stage")"
  done
  css_name="$(hashed frontend/static/style.css "$stage")"
  sed -e "s#\"/frontend_bg.wasm\"#\"/${hashed_name[frontend_bg.wasm]}\"#; s#\"/frontend.js\"#\"/${hashed_name[frontend.js]}\"#" \
      -e "s#\"/staff_bg.wasm\"#\"/${hashed_name[staff_bg.wasm]}\"#; s#\"/staff.js\"#\"/${hashed_name[staff.js]}\"#" \
      frontend/static/boot.js >"$web/boot.js" || die "boot.js"
  for name in frontend_bg.wasm frontend.js staff_bg.wasm staff.js; do
    grep -qF "\"/${hashed_name[$name]}\"" "$web/boot.js" || die "boot.js does not name /$name as \"/$name\": it would load a stale file"
  done
  boot_name="$(hashed "$web/boot.js" "$stage")"
  sed -e "s#\"/boot.js\"#\"/$boot_name\"#; s#\"/style.css\"#\"/$css_name\"#" frontend/static/index.html >"$stage/index.html" || die "index.html"
  for name in "$boot_name" "$css_name"; do
    grep -qF "\"/$name\"" "$stage/index.html" || die "index.html does not name /boot.js and /style.css in double quotes"
  done
  for f in "$stage"/*; do
    gzip -9 -n -k "$f" || die "gzip $f failed"
    brotli -q 11 -k "$f" || die "brotli $f failed"
  done
  # The previous build's files stay: a page loaded just before this build (or from an
  # instance not yet restarted) still finds the files it names. Older builds go, so the
  # folder the server reads into memory does not grow with every build.
  local keep=() old_boot old_css
  if [ -f "$dist/index.html" ]; then
    old_boot="$(grep -o 'boot\.[0-9a-f]\{16\}\.js' "$dist/index.html" | head -n 1)" || true
    old_css="$(grep -o 'style\.[0-9a-f]\{16\}\.css' "$dist/index.html" | head -n 1)" || true
    keep+=("$old_boot" "$old_css")
    if [ -n "$old_boot" ] && [ -f "$dist/$old_boot" ]; then
      mapfile -t -O "${#keep[@]}" keep < <(grep -o '\(frontend\|staff\)\(_bg\)\{0,1\}\.[0-9a-f]\{16\}\.\(wasm\|js\)' "$dist/$old_boot")
    fi
  fi
  for name in "${keep[@]}"; do
    [ -n "$name" ] || continue
    for f in "$dist/$name" "$dist/$name.gz" "$dist/$name.br"; do
      if [ -f "$f" ] && [ ! -e "$stage/${f##*/}" ]; then
        cp -p "$f" "$stage/" || die "cannot keep $f"
      fi
    done
  done
  chmod 755 "$stage"
  rm -rf "$dist.old"
  if [ -d "$dist" ]; then mv "$dist" "$dist.old"; fi
  mv "$stage" "$dist" || die "cannot move the web app into $dist"
  rm -rf "$dist.old"
  for name in frontend staff; do
    local wasm="$dist/${hashed_name[${name}_bg.wasm]}" js="$dist/${hashed_name[$name.js]}"
    note "$name bundle: $(stat -c %s "$wasm") B wasm ($(stat -c %s "$wasm.gz") gzip, $(stat -c %s "$wasm.br") brotli) + $(stat -c %s "$js") B JS ($(stat -c %s "$js.gz") gzip); gzip total $(( $(stat -c %s "$wasm.gz") + $(stat -c %s "$js.gz") )) B"
  done
}

build_backend_release() {
  step "Building the server (cargo build --release -p quota-backend)"
  cargo build --release -p quota-backend || die "server build failed"
}
