#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Installs, with apt-get, whatever of pipecalc's build and test dependencies
# is missing (Debian 12). Usage: tools/install-deps.sh [build|test|package]
# (package: what the Debian package stage of ./test.sh needs)
set -euo pipefail

what=${1:-build}

build_packages=(
  gcc libc6-dev pkg-config meson ninja-build gettext python3
  libglib2.0-dev libglib2.0-bin libjansson-dev libmuparser-dev libreadline-dev
  libgtk-3-dev
  # Optional: the window keeps access tokens in the keyring when it is
  # there at build time; TLS (tcps://) needs glib-networking at run time.
  libsecret-1-dev glib-networking
)
test_packages=(
  socat netcat-openbsd locales procps
  xvfb xauth dbus dbus-x11 at-spi2-core python3-gi gir1.2-gtk-3.0 python3-dogtail
  imagemagick
  # The fuzz stage (tests/fuzz/run.sh): clang and its libFuzzer runtime.
  clang libclang-rt-dev
  # The TLS tests make their self-signed certificates with it.
  openssl
  # The Windows build (tools/windows/): mingw-w64 cross compilers, the
  # tools that build the prefix from Debian's sources, wine to run the
  # .exe tests, zip for the bundle.
  mingw-w64 libz-mingw-w64-dev dpkg-dev make cmake xz-utils
  wine wine64 zip unzip
  # Issue 11, the GTK 3 stack in the Windows prefix: curl fetches the
  # source packages; the native GLib/GTK tools its builds run
  # (glib-compile-resources, gdk-pixbuf-pixdata, gtk-update-icon-cache);
  # the symbolic icons and the hicolor index copied into the prefix.
  curl libglib2.0-dev-bin libgdk-pixbuf2.0-bin gtk-update-icon-cache
  adwaita-icon-theme hicolor-icon-theme
  # Issue 11, the installer and its tests: makensis, the window found by
  # name under wine, the icon converted for Windows.
  nsis xdotool icoutils
  # The validate suite: the metainfo, the .desktop file, the icons (XML
  # well-formedness, and rendered to PNG to look at them).
  # The graph pane's export test loads the SVG it wrote (rsvg-convert) too.
  appstream desktop-file-utils libxml2-utils librsvg2-bin
  # The install test (tests/test-install.sh) finds the window and reads
  # its title and icon.
  xdotool x11-utils
  # Issue 13: systemd-socket-activate and systemd-analyze (the activation
  # test and the units' checks), haproxy (the scale-out test).
  systemd haproxy
  # Issue 11: the Windows installer (makensis) of tools/windows/package.sh.
  nsis
)
# The Debian package stage of ./test.sh (tests/test-debian-package.sh):
# dpkg-buildpackage with debhelper, lintian on the result.
package_packages=(
  build-essential dpkg-dev debhelper lintian
)

wanted=("${build_packages[@]}")
if [ "$what" = test ]; then
  wanted+=("${test_packages[@]}")
fi
if [ "$what" = package ]; then
  wanted+=("${package_packages[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "pipecalc needs these packages: ${missing[*]}" >&2
    echo "Run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The formatting tests run under a locale whose decimal separator is a
# comma, to prove numbers never follow LC_NUMERIC.
if [ "$what" = test ] && ! locale -a 2>/dev/null | grep -qi '^ru_RU\.utf-\?8$'; then
  if [ "$(id -u)" -eq 0 ]; then
    sed -i 's/^# *\(ru_RU.UTF-8 UTF-8\)/\1/' /etc/locale.gen
    grep -q '^ru_RU.UTF-8 UTF-8' /etc/locale.gen || echo 'ru_RU.UTF-8 UTF-8' >> /etc/locale.gen
    locale-gen >/dev/null
  else
    echo "note: ru_RU.UTF-8 is not installed; the locale tests will say they were skipped" >&2
  fi
fi
