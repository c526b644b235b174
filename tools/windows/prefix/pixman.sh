# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# pixman (cairo's image surfaces). Its upstream tarball: the Debian diff
# is no longer served.
source=pixman/bookworm
parts=orig
deps=

pkg_build() {
  meson_build -Dgtk=disabled -Dlibpng=disabled -Dopenmp=disabled -Dtests=disabled \
    -Dloongson-mmi=disabled -Dvmx=disabled -Darm-simd=disabled -Dneon=disabled \
    -Da64-neon=disabled -Diwmmxt=disabled -Dmips-dspr2=disabled
}
