# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# fribidi (pango's bidirectional text).
source=fribidi/bookworm
deps=

pkg_build() {
  meson_build -Ddocs=false
}
