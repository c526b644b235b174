/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-child.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <windows.h>
#include <gio/gwin32inputstream.h>

/* The child is started here rather than with GSubprocess: GLib 2.74
 * starts it through gspawn-win64-helper.exe with _wspawnvp(), and a
 * console program started so from a program without a console (the
 * window, a GUI-subsystem program) gets a console window of its own,
 * open as long as the server runs. CREATE_NO_WINDOW gives it a console
 * that has no window. */

struct _PcChild
{
  HANDLE        process;
  GInputStream *stderr_stream;
};

/* One argument quoted as CommandLineToArgvW and the C runtime split it:
 * backslashes count only before a quote. */
static void
append_quoted (GString    *line,
               const char *arg)
{
  if (arg[0] != '\0' && strpbrk (arg, " \t\n\v\"") == NULL)
    {
      g_string_append (line, arg);
      return;
    }
  g_string_append_c (line, '"');
  for (const char *p = arg;; p++)
    {
      gsize backslashes = 0;

      while (*p == '\\')
        {
          backslashes++;
          p++;
        }
      if (*p == '\0')
        {
          /* Doubled: the closing quote follows. */
          for (gsize i = 0; i < backslashes * 2; i++)
            g_string_append_c (line, '\\');
          break;
        }
      if (*p == '"')
        {
          for (gsize i = 0; i < backslashes * 2 + 1; i++)
            g_string_append_c (line, '\\');
        }
      else
        {
          for (gsize i = 0; i < backslashes; i++)
            g_string_append_c (line, '\\');
        }
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static void
set_win32_error (GError     **error,
                 const char  *what)
{
  DWORD code = GetLastError ();
  g_autofree char *message = g_win32_error_message ((gint) code);

  g_set_error (error, G_IO_ERROR, g_io_error_from_win32_error ((gint) code),
               "%s: %s", what, message);
}

/* A job object that kills its processes when its last handle closes. The
 * handle is never closed on purpose: Windows closes it when this process
 * ends, however it ends, and the job then kills the child. */
static HANDLE
new_kill_on_close_job (void)
{
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = { 0 };
  HANDLE job = CreateJobObjectW (NULL, NULL);

  if (job == NULL)
    return NULL;
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!SetInformationJobObject (job, JobObjectExtendedLimitInformation,
                                &limits, sizeof limits))
    {
      CloseHandle (job);
      return NULL;
    }
  return job;
}

PcChild *
pc_child_spawn (const char * const  *argv,
                GError             **error)
{
  SECURITY_ATTRIBUTES inherit = { sizeof inherit, NULL, TRUE };
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree wchar_t *wline = NULL;
  g_autofree wchar_t *wpath = NULL;
  STARTUPINFOEXW startup = { 0 };
  PROCESS_INFORMATION info = { 0 };
  LPPROC_THREAD_ATTRIBUTE_LIST attributes = NULL;
  HANDLE null_device = INVALID_HANDLE_VALUE;
  HANDLE err_read = NULL;
  HANDLE err_write = NULL;
  HANDLE job;
  HANDLE inherited[2];
  SIZE_T attributes_size = 0;
  PcChild *self = NULL;

  for (guint i = 0; argv[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (line, ' ');
      append_quoted (line, argv[i]);
    }
  wpath = g_utf8_to_utf16 (argv[0], -1, NULL, NULL, error);
  wline = g_utf8_to_utf16 (line->str, -1, NULL, NULL, error);
  if (wpath == NULL || wline == NULL)
    return NULL;

  null_device = CreateFileW (L"NUL", GENERIC_READ | GENERIC_WRITE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                             OPEN_EXISTING, 0, NULL);
  if (null_device == INVALID_HANDLE_VALUE)
    {
      set_win32_error (error, "NUL");
      goto out;
    }
  if (!CreatePipe (&err_read, &err_write, &inherit, 0)
      || !SetHandleInformation (err_read, HANDLE_FLAG_INHERIT, 0))
    {
      set_win32_error (error, "CreatePipe");
      goto out;
    }

  /* Only these two handles go to the child, whatever else this process
   * has open and inheritable (another thread's spawn, a library's). */
  inherited[0] = null_device;
  inherited[1] = err_write;
  InitializeProcThreadAttributeList (NULL, 1, 0, &attributes_size);
  attributes = g_malloc (attributes_size);
  if (!InitializeProcThreadAttributeList (attributes, 1, 0, &attributes_size)
      || !UpdateProcThreadAttribute (attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                     inherited, sizeof inherited, NULL, NULL))
    {
      set_win32_error (error, "InitializeProcThreadAttributeList");
      g_clear_pointer (&attributes, g_free);
      goto out;
    }

  startup.StartupInfo.cb = sizeof startup;
  startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  startup.StartupInfo.hStdInput = null_device;
  startup.StartupInfo.hStdOutput = null_device;
  startup.StartupInfo.hStdError = err_write;
  startup.lpAttributeList = attributes;
  /* Suspended until it is in the job: it cannot outlive this process
   * even if this one dies the next instant. */
  if (!CreateProcessW (wpath, wline, NULL, NULL, TRUE,
                       CREATE_NO_WINDOW | CREATE_SUSPENDED
                       | CREATE_UNICODE_ENVIRONMENT | EXTENDED_STARTUPINFO_PRESENT,
                       NULL, NULL, &startup.StartupInfo, &info))
    {
      set_win32_error (error, "CreateProcess");
      goto out;
    }
  job = new_kill_on_close_job ();
  if (job == NULL || !AssignProcessToJobObject (job, info.hProcess))
    {
      g_warning ("cannot tie the private server to this process: %lu",
                 (unsigned long) GetLastError ());
      if (job != NULL)
        CloseHandle (job);
    }
  ResumeThread (info.hThread);
  CloseHandle (info.hThread);

  self = g_new0 (PcChild, 1);
  self->process = info.hProcess;
  self->stderr_stream = g_win32_input_stream_new (err_read, TRUE);
  err_read = NULL;

out:
  if (attributes != NULL)
    {
      DeleteProcThreadAttributeList (attributes);
      g_free (attributes);
    }
  if (null_device != INVALID_HANDLE_VALUE)
    CloseHandle (null_device);
  if (err_write != NULL)
    CloseHandle (err_write);
  if (err_read != NULL)
    CloseHandle (err_read);
  return self;
}

GInputStream *
pc_child_get_stderr (PcChild *self)
{
  return self->stderr_stream;
}

gboolean
pc_child_is_running (PcChild *self)
{
  return WaitForSingleObject (self->process, 0) == WAIT_TIMEOUT;
}

void
pc_child_request_stop (PcChild *self)
{
  TerminateProcess (self->process, 1);
}

void
pc_child_wait_or_kill (PcChild *self,
                       guint    timeout_ms)
{
  /* A terminated process is gone at once; nothing on the main context
   * needs to run for that. */
  if (WaitForSingleObject (self->process, timeout_ms != 0 ? timeout_ms : INFINITE)
      != WAIT_OBJECT_0)
    {
      TerminateProcess (self->process, 1);
      WaitForSingleObject (self->process, INFINITE);
    }
}

char *
pc_child_get_pid (PcChild *self)
{
  return g_strdup_printf ("%lu", (unsigned long) GetProcessId (self->process));
}

char *
pc_child_describe_end (PcChild *self)
{
  DWORD code = 0;

  if (pc_child_is_running (self))
    return g_strdup (_("is still running"));
  /* Windows has no signals: a terminated process has the exit code its
   * killer chose (TerminateProcess), shown as a status. */
  if (GetExitCodeProcess (self->process, &code))
    return g_strdup_printf (_("exited with status %d"), (int) code);
  return g_strdup (_("ended"));
}

void
pc_child_free (PcChild *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->stderr_stream);
  CloseHandle (self->process);
  g_free (self);
}
