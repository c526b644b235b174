/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-child.h"

#include <signal.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "pc-wait.h"

struct _PcChild
{
  GSubprocess *process;
};

static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

PcChild *
pc_child_spawn (const char * const  *argv,
                GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  GSubprocess *process;
  PcChild *self;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Done in the child, before exec: the tie exists before it runs. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return NULL;
  self = g_new0 (PcChild, 1);
  self->process = process;
  return self;
}

GInputStream *
pc_child_get_stderr (PcChild *self)
{
  return g_subprocess_get_stderr_pipe (self->process);
}

gboolean
pc_child_is_running (PcChild *self)
{
  return g_subprocess_get_identifier (self->process) != NULL;
}

void
pc_child_request_stop (PcChild *self)
{
  g_subprocess_send_signal (self->process, SIGTERM);
}

void
pc_child_wait_or_kill (PcChild *self,
                       guint    timeout_ms)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  g_auto(PcWait) wait = PC_WAIT_INIT;

  g_subprocess_wait_async (self->process, NULL, pc_wait_cb, &wait);
  if (pc_wait_run (&wait, context, timeout_ms) == NULL)
    {
      g_subprocess_force_exit (self->process);
      pc_wait_run (&wait, context, 0);
    }
}

char *
pc_child_get_pid (PcChild *self)
{
  return g_strdup (g_subprocess_get_identifier (self->process));
}

char *
pc_child_describe_end (PcChild *self)
{
  if (g_subprocess_get_identifier (self->process) != NULL)
    return g_strdup (_("is still running"));
  if (g_subprocess_get_if_signaled (self->process))
    return g_strdup_printf (_("was killed by signal %d (%s)"),
                            g_subprocess_get_term_sig (self->process),
                            g_strsignal (g_subprocess_get_term_sig (self->process)));
  if (g_subprocess_get_if_exited (self->process))
    return g_strdup_printf (_("exited with status %d"),
                            g_subprocess_get_exit_status (self->process));
  return g_strdup (_("ended"));
}

void
pc_child_free (PcChild *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->process);
  g_free (self);
}
