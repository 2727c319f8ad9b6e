#!/usr/bin/env bash
# System packages Lantern needs on Debian/Ubuntu: Qt's runtime libraries (offscreen and X11),
# Xvfb for screenshots, zbar (the benchmark's pyzbar comparison), poppler (PDF to PNG/text). Installs only what is missing; does nothing elsewhere.
set -euo pipefail
pkgs=(
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 xvfb
  libzbar0 poppler-utils postgresql
)
command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 || {
  echo "system-deps: not a Debian/Ubuntu system; install Qt 6's runtime libraries yourself" >&2
  exit 0
}
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "system-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
