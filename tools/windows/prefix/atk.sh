# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# atk: bookworm has no separate atk source and its at-spi2-core 2.46
# tarball is no longer served, so trixie's at-spi2-core (its upstream
# tarball, checked against trixie's Sources index), atk/ only
# (-Datk_only=true). Its meson.build asks for libxml2 even then, which
# atk does not use: that requirement is dropped. (2.46's atk/meson.build
# had `atspi_conf` for `at_spi_conf`, which broke GTK's link with
# __imp_atk_misc_instance; 2.56 has it right.)
source=at-spi2-core/trixie
parts=orig
deps=glib

pkg_build() {
  sed -i "s/^libxml_dep = dependency('libxml-2.0', version: libxml_req_version)$/libxml_dep = dependency('libxml-2.0', version: libxml_req_version, required: not get_option('atk_only'))/" \
    "$src/meson.build"
  grep -q "required: not get_option('atk_only'))" "$src/meson.build"
  meson_build -Datk_only=true -Dintrospection=disabled -Ddocs=false -Dx11=disabled
}
