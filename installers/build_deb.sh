#!/usr/bin/env bash
# Builds dist/psp-desktop_VERSION_ARCH.deb from the one-folder build in dist/psp-desktop (make it first with
# `./dev package`, which also runs this). The app goes to /opt/psp-desktop, with /usr/bin/psp and
# /usr/bin/psp-desktop linking to it, a menu entry and an icon. Data stays in each user's data folder.
# Usage: installers/build_deb.sh [FROZEN_DIR [OUT_DIR]]   (DEB_COMPRESSION: dpkg-deb's -Z/-z options)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
frozen=${1:-$root/dist/psp-desktop}
out=${2:-$root/dist}
[ -x "$frozen/psp-desktop" ] && [ -e "$frozen/psp" ] || {
    echo "build_deb: no frozen build in $frozen (run ./dev package)" >&2
    exit 2
}

version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$root/psp_desktop/__init__.py")
built=$("$frozen/psp" --version 2>/dev/null | awk '{ print $2 }') || true
[ -n "$version" ] && [ "$built" = "$version" ] || {
    echo "build_deb: the package is version '$version' but $frozen is '$built': rebuild it" >&2
    exit 2
}
arch=$(dpkg --print-architecture)

# Libraries the frozen build takes from the system (readelf on every bundled file: libc, EGL/GL, xcb) and the
# ones Qt's xcb platform needs (dev's SYSTEM_PACKAGES; Qt >= 6.5 needs libxcb-cursor0). PyInstaller bundles
# copies of most of them, but the system's are the ones that match its X server, drivers and fonts. The CJK
# font is bundled (resources/fonts, Apache-2.0), so no font package is needed.
depends="libc6, libegl1, libgl1, libxcb1, libxcb-cursor0, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1,
 libdbus-1-3, libglib2.0-0 | libglib2.0-0t64, libx11-xcb1, libxcb-icccm4, libxcb-keysyms1, libxcb-image0,
 libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libxcb-randr0, libgssapi-krb5-2"

stage=$root/build/deb
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/icons/hicolor/256x256/apps" "$stage/usr/share/doc/psp-desktop"
cp -a "$frozen" "$stage/opt/psp-desktop" # -a keeps the psp -> psp-desktop link
chmod -R u=rwX,go=rX "$stage/opt/psp-desktop"
ln -s /opt/psp-desktop/psp "$stage/usr/bin/psp"
ln -s /opt/psp-desktop/psp-desktop "$stage/usr/bin/psp-desktop"
install -m 644 "$root/installers/psp-desktop.desktop" "$stage/usr/share/applications/psp-desktop.desktop"
install -m 644 "$root/resources/icons/psp-desktop.png" "$stage/usr/share/icons/hicolor/256x256/apps/psp-desktop.png"
cat >"$stage/usr/share/doc/psp-desktop/copyright" <<'EOF'
PSP Desktop. Bundled font: WenQuanYi Micro Hei, Apache License 2.0
(/opt/psp-desktop/_internal/resources/fonts/wqy-microhei.LICENSE.txt). Qt and PySide6: LGPL-3.0.
EOF
cat >"$stage/DEBIAN/control" <<EOF
Package: psp-desktop
Version: $version
Architecture: $arch
Maintainer: PSP Desktop <psp-desktop@localhost>
Section: misc
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Description: PSP 公益创投 - community venture-philanthropy competitions, offline
 Street offices run community venture-philanthropy competitions (社区公益创投大赛), project bidding
 and project commission with it: needs, applications, screening, judging, awards, tranche payments,
 monitoring and evaluation, on one offline PC (SQLite) or a shared PostgreSQL server.
EOF

mkdir -p "$out"
deb="$out/psp-desktop_${version}_${arch}.deb"
# xz level 1: 87 MB in 16 s here, against 79 MB in 113 s at the default level 6; DEB_COMPRESSION="-Zxz -z6" for that
# shellcheck disable=SC2086 # two options in one variable
dpkg-deb --build --root-owner-group ${DEB_COMPRESSION:--Zxz -z1} "$stage" "$deb" >/dev/null
rm -rf "$stage" # a second copy of the whole folder
echo "$deb"
