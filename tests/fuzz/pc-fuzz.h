/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer interface each target in tests/fuzz implements. The same
 * source is linked either with libFuzzer (clang, -Dfuzz=true) or with
 * replay.c, whose main() feeds it every file of the target's corpus and
 * regression folders, so a crash once found stays a test of the normal
 * build. A target reports a broken invariant with g_error(), an abort
 * that both drivers count as a failure. */

int LLVMFuzzerInitialize  (int            *argc,
                           char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* Called first by every LLVMFuzzerInitialize(): a failed g_error() or a
 * fatal critical aborts (libFuzzer then saves the input). */
void pc_fuzz_init (void);

/* Points PIPECALC_TRANSPORT_PATH at the build's transport modules unless
 * the caller chose a folder. */
void pc_fuzz_use_build_transports (void);
