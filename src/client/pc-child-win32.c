/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-child.h"

#include <stdlib.h>
#include <windows.h>

void
pc_child_launcher_setup (GSubprocessLauncher *launcher)
{
  /* Nothing runs in the child before it starts on Windows; the tie is
   * made after the spawn. */
}

void
pc_child_tie (GSubprocess *process)
{
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = { 0 };
  const char *id = g_subprocess_get_identifier (process);
  HANDLE job;
  HANDLE child;

  if (id == NULL)
    return;
  job = CreateJobObjectW (NULL, NULL);
  if (job == NULL)
    {
      g_warning ("cannot create a job object for the private server: %lu",
                 (unsigned long) GetLastError ());
      return;
    }
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  child = OpenProcess (PROCESS_SET_QUOTA | PROCESS_TERMINATE, FALSE,
                       (DWORD) strtoul (id, NULL, 10));
  if (child == NULL
      || !SetInformationJobObject (job, JobObjectExtendedLimitInformation,
                                   &limits, sizeof limits)
      || !AssignProcessToJobObject (job, child))
    {
      g_warning ("cannot tie the private server to this process: %lu",
                 (unsigned long) GetLastError ());
      CloseHandle (job);
    }
  /* The job handle stays open on purpose: Windows closes it when this
   * process ends, however it ends, and the job then kills the server. */
  if (child != NULL)
    CloseHandle (child);
}

void
pc_child_request_stop (GSubprocess *process)
{
  g_subprocess_force_exit (process);
}
