/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Internal to src/eval: lookups in the catalogue. */
gboolean pc_eval_is_function (const char *name);
gboolean pc_eval_is_constant (const char *name);

G_END_DECLS
