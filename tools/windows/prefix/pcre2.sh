# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# PCRE2 (GRegex).
source=pcre2/bookworm
deps=

pkg_build() {
  autotools_build --disable-pcre2grep-libz --disable-pcre2grep-libbz2 \
    --disable-pcre2test-libreadline
}
