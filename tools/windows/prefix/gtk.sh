# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# GTK 3 with its win32 backend only; no introspection, docs, tests,
# examples or demos. No print backend modules: they are for Unix (GTK's
# default picks none on Windows, where printing goes through the Windows
# dialog; the "file" one would want cairo-ps). Its catalogues: Russian only (pipecalc speaks
# English and Russian), and none of gtk30-properties (property blurbs for
# UI designers, never shown by a program).
source=gtk+3.0/bookworm
deps="glib pango cairo gdk-pixbuf libepoxy atk"

pkg_build() {
  echo ru > "$src/po/LINGUAS"
  : > "$src/po-properties/LINGUAS"
  meson_build -Dwin32_backend=true -Dx11_backend=false -Dwayland_backend=false \
    -Dbroadway_backend=false -Dquartz_backend=false -Dxinerama=no -Dcolord=no \
    -Dcloudproviders=false -Dtracker3=false \
    -Dintrospection=false -Dgtk_doc=false -Dman=false -Ddemos=false -Dexamples=false \
    -Dtests=false -Dinstalled_tests=false
}
