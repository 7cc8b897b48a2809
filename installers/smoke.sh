#!/usr/bin/env bash
# Smoke test of a built PSP Desktop: installers/smoke.sh DIR, where DIR holds the `psp` and `psp-desktop` programs
# (dist/psp-desktop, /opt/psp-desktop or /usr/bin). Runs offscreen on a fresh temporary home and data folder:
#   1. `psp demo` builds the demo database in the data folder (never beside the programs)
#   2. `psp-desktop --screenshot` renders the dashboard to a PNG
#   3. `psp certificates` issues appointment letters as PDF and `psp verify` checks one (signature and register)
#   4. start-up time to the painted main window and to the dashboard's data (--bench-startup)
#   5. a data folder the user cannot write: both programs must give the app's message and exit non-zero
# Exits 0 only if every check passed.
set -uo pipefail

[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 DIR_OF_EXECUTABLES" >&2; exit 2; }
dir=$(cd "$1" && pwd)
psp="$dir/psp"
gui="$dir/psp-desktop"
password=psp-demo-2026 # the demo accounts' published password (README)

work=$(mktemp -d "${TMPDIR:-/tmp}/psp-smoke.XXXXXX")
chmod 755 "$work" # the read-only check runs as another user when started as root
cleanup() {
    chmod -R u+w "$work" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

use_home() { # use_home DIR: every per-user folder of the app (data, settings, cache) below DIR
    export HOME="$1" XDG_DATA_HOME="$1/.local/share" XDG_CONFIG_HOME="$1/.config" XDG_CACHE_HOME="$1/.cache"
}
use_home "$work/home"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
export QT_QPA_PLATFORM=offscreen
unset PSP_DATABASE_URL PSP_LANG PSP_PASSWORD
data="$XDG_DATA_HOME/PSPDesktop"
db="$data/psp.db"

failed=0
pass() { echo "ok    $*"; }
fail() {
    echo "FAIL  $*" >&2
    failed=1
}
signature() { head -c "$2" "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n'; } # signature FILE N: first N bytes, hex
run() { timeout 180 "$@"; }                                                 # nothing may hang a CI run

echo "== smoke test of $dir ($("$psp" --version 2>&1), $("$gui" --version 2>&1))"

# 1. the demo database, in the fresh data folder
if run "$psp" demo >"$work/demo.log" 2>&1 && [ -f "$db" ]; then
    pass "psp demo created $db"
else
    fail "psp demo (expected $db):"
    tail -20 "$work/demo.log" >&2
fi

# 2. a screenshot of the dashboard
png="$work/dashboard.png"
run "$gui" --db "$db" --screenshot "$png" --page Dashboard --wait 500 >"$work/screenshot.log" 2>&1
if [ "$(signature "$png" 8)" = "89504e470d0a1a0a" ] && [ "$(stat -c %s "$png")" -gt 20000 ]; then
    pass "psp-desktop --screenshot: $(stat -c %s "$png") bytes of PNG"
else
    fail "psp-desktop --screenshot gave no valid PNG:"
    tail -20 "$work/screenshot.log" >&2
fi

# 3. certificates (聘书 for the judges of competition 1) and the check of one of them
certs="$work/certificates"
PSP_PASSWORD=$password run "$psp" --db "$db" --user admin certificates 1 --type letter --out "$certs" \
    >"$work/certificates.log" 2>&1
pdf=$(find "$certs" -name '*.pdf' 2>/dev/null | sort | head -1)
if [ -n "$pdf" ] && [ "$(signature "$pdf" 5)" = "255044462d" ]; then
    pass "psp certificates: $(find "$certs" -name '*.pdf' | wc -l) PDF files"
    if PSP_PASSWORD=$password run "$psp" --db "$db" --user admin verify "$pdf" >"$work/verify.log" 2>&1; then
        pass "psp verify: $(head -1 "$work/verify.log")"
    else
        fail "psp verify $pdf:"
        cat "$work/verify.log" >&2
    fi
else
    fail "psp certificates gave no valid PDF:"
    tail -20 "$work/certificates.log" >&2
fi

# 4. start-up: seconds from the program's start to the painted window, then to the dashboard's figures
started=$(date +%s%N)
if marks=$(run "$gui" --db "$db" --page Dashboard --bench-startup 2>"$work/startup.log"); then
    wall=$((($(date +%s%N) - started) / 1000000))
    pass "start-up: $(echo "$marks" | tr '\n' ' ')(seconds in Python); ${wall} ms from exec to the dashboard's data"
else
    fail "psp-desktop --bench-startup:"
    tail -20 "$work/startup.log" >&2
fi

# 5. a data folder the user cannot write. root writes anywhere, so as root the programs run as `nobody`; when
# nobody cannot run them (a private checkout), a plain file stands where the data folder would be created.
readonly_home="$work/readonly"
mkdir -p "$readonly_home/.local/share" "$readonly_home/.config"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    if setpriv --reuid=65534 --regid=65534 --clear-groups "$psp" --version >/dev/null 2>&1; then
        as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    else
        rmdir "$readonly_home/.local/share" && touch "$readonly_home/.local/share"
    fi
fi
chmod -R a-w "$readonly_home"
before=$(find "$readonly_home" | sort | sha256sum)
readonly_run() { # readonly_run LOG PROGRAM ARGS...: exit status of PROGRAM on the read-only home
    local log=$1
    shift
    (use_home "$readonly_home" && run "${as_user[@]}" "$@" >"$log" 2>&1 </dev/null)
}
readonly_run "$work/ro-cli.log" "$psp" init --admin smoke
cli_status=$?
readonly_run "$work/ro-gui.log" "$gui" --screenshot "$work/readonly.png" --page Dashboard
gui_status=$?
folder="$readonly_home/.local/share" # the message names the folder it could not create or write to
for case in "cli:$cli_status" "gui:$gui_status"; do
    name=${case%%:*} status=${case#*:}
    if [ "$status" -ne 0 ] && [ "$status" -lt 124 ] && grep -q "$folder" "$work/ro-$name.log" \
        && ! grep -q Traceback "$work/ro-$name.log"; then
        pass "read-only data folder ($name): exit $status, $(grep "$folder" "$work/ro-$name.log" | head -1)"
    else
        fail "read-only data folder ($name): exit $status, expected the app's message naming $folder:"
        cat "$work/ro-$name.log" >&2
    fi
done
[ "$(find "$readonly_home" | sort | sha256sum)" = "$before" ] && pass "read-only data folder left untouched" \
    || fail "something was written below the read-only data folder"

if [ "$failed" -eq 0 ]; then
    echo "== smoke test passed: $dir"
else
    echo "== smoke test FAILED: $dir" >&2
fi
exit "$failed"
