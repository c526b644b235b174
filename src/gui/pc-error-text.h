/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

#include "pc-connection.h"

G_BEGIN_DECLS

/* What went wrong with an evaluation, in the person's language: worded
 * from the error code, data.reason, position and token the server sent
 * (its own message is English). */
char *pc_error_text_for_outcome (const PcEvalOutcome *outcome);
/* For failures of the request itself: timeout, lost connection... */
char *pc_error_text_for_error   (const GError        *error);

G_END_DECLS
