/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Waiting for one asynchronous operation where the caller must have its
 * result before going on (the CLI, which is sequential by nature; a client
 * stopping its private server; tests): start the operation with
 * pc_wait_cb and @wait as its callback and data, then pc_wait_run(). The
 * context is iterated meanwhile, so everything else on it keeps running.
 * Never on the GUI's main loop: the window must never wait. */
typedef struct
{
  GAsyncResult *result;  /* set by pc_wait_cb, owned */
} PcWait;

#define PC_WAIT_INIT { NULL }

void          pc_wait_cb    (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data);
/* Iterates @context (%NULL: the global default) until the operation has
 * completed, or until @timeout_ms have passed (0: no limit). Returns the
 * result, owned by @wait, or %NULL on timeout (the operation is still
 * running then: the caller cancels or forces it and waits again). */
GAsyncResult *pc_wait_run   (PcWait       *wait,
                             GMainContext *context,
                             guint         timeout_ms);
void          pc_wait_clear (PcWait       *wait);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PcWait, pc_wait_clear)

G_END_DECLS
