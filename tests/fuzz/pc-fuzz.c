/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <glib.h>
#include <signal.h>
#include <stdlib.h>

#include "pc-fuzz.h"

void
pc_fuzz_use_build_transports (void)
{
  g_setenv ("PIPECALC_TRANSPORT_PATH", PC_BUILD_TRANSPORTDIR, FALSE);
}

/* g_error() and fatal criticals end in SIGTRAP (G_BREAKPOINT), which
 * libFuzzer does not treat as a crash: make it an abort, which it does, so
 * that the input is saved. */
static void
trap_to_abort (int signum)
{
  abort ();
}

void
pc_fuzz_init (void)
{
  signal (SIGTRAP, trap_to_abort);
}
