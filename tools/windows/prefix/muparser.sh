# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# muparser (the server's evaluator). The C++ runtime goes inside its DLL,
# so nothing needs libstdc++-6.dll or libgcc_s_seh-1.dll.
source=muparser/bookworm
deps=

pkg_build() {
  cmake_build -DBUILD_SHARED_LIBS=ON -DENABLE_SAMPLES=OFF \
    -DENABLE_OPENMP=OFF -DCMAKE_SHARED_LINKER_FLAGS="-static-libgcc -static-libstdc++"
}
