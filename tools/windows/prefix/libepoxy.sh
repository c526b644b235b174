# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# libepoxy (GTK's GL loading; WGL on Windows). Its upstream tarball: the
# Debian parts are no longer served.
source=libepoxy/bookworm
parts=orig
deps=

pkg_build() {
  meson_build -Ddocs=false -Dtests=false -Dglx=no -Degl=no -Dx11=false
}
