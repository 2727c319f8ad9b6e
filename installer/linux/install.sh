#!/usr/bin/env bash
# Install the till bundle (dist/lantern/, `make bundle`) on a Linux till:
#   the program in $PREFIX/lantern (default /opt/lantern; `lantern` also in $BINDIR),
#   the desktop entry and icon where desktop environments look for them.
# Run as root for every user of the till (default), or with PREFIX=~/.local/opt
# APPS=~/.local/share/applications ICONS=~/.local/share/icons BINDIR=~/.local/bin for one.
# DESTDIR stages the whole tree elsewhere (packaging, tests).
#
# Installing again over an older version replaces the program folder only. The store's
# data is never here: it is in each user's data folder (~/.local/share/lantern: the store
# database, its backups, printouts and reports; logs in ~/.local/state/lantern/log), so an
# upgrade or `install.sh --uninstall` keeps it. An upgrade migrates the store database on
# its first start, after a verified backup (<store>-backups/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bundle=${BUNDLE:-$here/../../dist/lantern}
PREFIX=${PREFIX:-/opt}
BINDIR=${BINDIR:-/usr/local/bin}
APPS=${APPS:-/usr/share/applications}
ICONS=${ICONS:-/usr/share/icons}
DESTDIR=${DESTDIR:-}
app="$DESTDIR$PREFIX/lantern"

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$app"
  rm -f "$DESTDIR$BINDIR/lantern" "$DESTDIR$APPS/lantern.desktop" \
        "$DESTDIR$ICONS/hicolor/256x256/apps/lantern.png" "$DESTDIR$ICONS/hicolor/scalable/apps/lantern.svg"
  echo "Lantern removed; the stores' data in each user's ~/.local/share/lantern is kept" >&2
  exit 0
fi

[ -x "$bundle/lantern" ] || { echo "no bundle at $bundle: run \`make bundle\` first" >&2; exit 1; }
"$bundle/lantern" --version >/dev/null  # a bundle that does not start is not installed
mkdir -p "$DESTDIR$PREFIX" "$DESTDIR$BINDIR" "$DESTDIR$APPS" \
         "$DESTDIR$ICONS/hicolor/256x256/apps" "$DESTDIR$ICONS/hicolor/scalable/apps"
rm -rf "$app.new"
cp -a "$bundle" "$app.new"
rm -rf "$app"
mv "$app.new" "$app"
ln -sf "$PREFIX/lantern/lantern" "$DESTDIR$BINDIR/lantern"
sed "s|^Exec=.*|Exec=$PREFIX/lantern/lantern app|" "$here/lantern.desktop" > "$DESTDIR$APPS/lantern.desktop"
assets="$app/_internal/desktop/assets/icons"
cp "$assets/lantern.png" "$DESTDIR$ICONS/hicolor/256x256/apps/lantern.png"
cp "$assets/lantern.svg" "$DESTDIR$ICONS/hicolor/scalable/apps/lantern.svg"
command -v update-desktop-database >/dev/null && [ -z "$DESTDIR" ] && update-desktop-database -q "$APPS" || true
echo "Lantern $("$app/lantern" --version | cut -d' ' -f2) installed in $PREFIX/lantern" >&2
