# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# pango with its win32 font backend and cairo. Its DirectWrite part is
# C++: the C++ runtime is linked into the DLL (set in the cross file: a
# -Dcpp_link_args on meson's command line does not reach the link in a
# cross build), so no libstdc++-6.dll travels with it.
source=pango1.0/bookworm
deps="glib harfbuzz fribidi cairo"

pkg_build() {
  sed -i -e "s|^cpp_link_args = \[|cpp_link_args = ['-static-libgcc', '-static-libstdc++', |" \
    -e "s|^c_link_args = \[|c_link_args = ['-static-libgcc', '-static-libstdc++', |" \
    "$work/cross.ini"
  grep -q "^cpp_link_args = \['-static-libgcc'" "$work/cross.ini"
  meson_build -Dintrospection=disabled -Dgtk_doc=false -Dinstall-tests=false \
    -Dfontconfig=disabled -Dfreetype=disabled -Dxft=disabled -Dlibthai=disabled \
    -Dsysprof=disabled -Dcairo=enabled
}
