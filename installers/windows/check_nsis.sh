#!/usr/bin/env bash
# Compiles psp-desktop.nsi on Linux against a stand-in payload (PyInstaller cannot build for Windows here) and
# checks that a Windows executable comes out. Catches script errors and a version or data folder out of step
# with the package; it runs nothing of the installer. Usage: installers/windows/check_nsis.sh [output folder]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
started=$(date +%s)

if ! command -v makensis >/dev/null; then
    echo "makensis not found: installing Debian's nsis"
    export DEBIAN_FRONTEND=noninteractive
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    # a fresh machine has no package lists yet
    $sudo apt-get install -y -q nsis </dev/null || { $sudo apt-get update -q && $sudo apt-get install -y -q nsis; }
fi

# read from the sources, not by importing the package: no virtualenv is needed
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$root/psp_desktop/__init__.py")
data_dir_name=$(sed -n 's/^APP_NAME = "\(.*\)"$/\1/p' "$root/psp_desktop/paths.py")
[ -n "$version" ] || { echo "no __version__ in psp_desktop/__init__.py" >&2; exit 1; }
# the uninstaller deletes %LOCALAPPDATA%\<DATA_DIR_NAME> on request: it must be the folder the app uses
nsi_data_dir=$(sed -n 's/^!define \/ifndef DATA_DIR_NAME "\(.*\)"\r\?$/\1/p' "$here/psp-desktop.nsi")
if [ "$data_dir_name" != "$nsi_data_dir" ]; then
    echo "psp-desktop.nsi DATA_DIR_NAME is '$nsi_data_dir' but psp_desktop/paths.py APP_NAME is '$data_dir_name'" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
payload="$work/psp-desktop"
mkdir -p "$payload/_internal/resources/fonts"
echo "stand-in for the PyInstaller GUI executable" >"$payload/psp-desktop.exe"
echo "stand-in for the PyInstaller CLI executable" >"$payload/psp.exe"
echo "stand-in font" >"$payload/_internal/resources/fonts/wqy-microhei.ttc"
mkdir -p "$payload/resources"
echo "stand-in resource" >"$payload/resources/README.txt"

outdir="${1:-$work}"
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
installer="$outdir/psp-desktop-$version-windows-x64-installer.exe"
rm -f "$installer"

makensis -V2 -WX "-DVERSION=$version" "-DSOURCE=$payload" "-DOUTDIR=$outdir" "$here/psp-desktop.nsi"

[ -f "$installer" ] || { echo "makensis made no $installer" >&2; exit 1; }
if [ "$(head -c 2 "$installer")" != "MZ" ]; then
    echo "$installer is not a Windows (PE) executable" >&2
    exit 1
fi
echo "NSIS installer OK: $(basename "$installer"), $(stat -c %s "$installer") bytes," \
    "version $version, built in $(($(date +%s) - started)) s"
