/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include "pc-wait.h"

void
pc_wait_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PcWait *wait = user_data;

  g_set_object (&wait->result, result);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

GAsyncResult *
pc_wait_run (PcWait       *wait,
             GMainContext *context,
             guint         timeout_ms)
{
  g_autoptr(GSource) timer = NULL;
  gboolean timed_out = FALSE;

  if (wait->result == NULL && timeout_ms > 0)
    {
      timer = g_timeout_source_new (timeout_ms);
      g_source_set_callback (timer, timed_out_cb, &timed_out, NULL);
      g_source_attach (timer, context);
    }
  while (wait->result == NULL && !timed_out)
    g_main_context_iteration (context, TRUE);
  if (timer != NULL)
    g_source_destroy (timer);
  return wait->result;
}

void
pc_wait_clear (PcWait *wait)
{
  g_clear_object (&wait->result);
}
