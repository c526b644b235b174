# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# libffi (GObject's closures).
source=libffi/bookworm
deps=

pkg_build() {
  autotools_build --disable-docs --disable-multi-os-directory
}
