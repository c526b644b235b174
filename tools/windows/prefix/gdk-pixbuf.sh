# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# gdk-pixbuf with the PNG loader built in (GTK's icons are PNG here: no
# loader modules, so no loaders.cache to generate under wine).
source=gdk-pixbuf/bookworm
deps="glib libpng"

pkg_build() {
  meson_build -Dpng=enabled -Djpeg=disabled -Dtiff=disabled -Dbuiltin_loaders=png \
    -Dintrospection=disabled -Dman=false -Dgtk_doc=false -Ddocs=false \
    -Dtests=false -Dinstalled_tests=false -Drelocatable=true \
    -Dnative_windows_loaders=false -Dgio_sniffing=false
}
