/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */

/* The Win32 core of the named-pipe transport on its own, with no GLib:
 * built with mingw-w64 (tests/windows/build-npipe-core.sh or the cross
 * build) and run under wine or on Windows. TAP output.
 *
 * wine does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE,
 * PIPE_REJECT_REMOTE_CLIENTS or DACLs as Windows does, so those defences
 * are checked as what the server asked for: the flags it passed, and the
 * ACEs read back from the pipe with GetSecurityInfo(). */

#include "pc-npipe-win32.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The protocol's line limit (PC_PROTOCOL_DEFAULT_MAX_LINE), newline not
 * counted. */
#define MAX_LINE 65536
#define MAX_SERVED 64

static int tests_run;
static int tests_failed;

#ifdef __GNUC__
__attribute__ ((format (printf, 2, 3)))
#endif
static BOOL
ok (BOOL        condition,
    const char *format,
    ...)
{
  va_list args;

  tests_run++;
  if (!condition)
    tests_failed++;
  printf ("%s %d - ", condition ? "ok" : "not ok", tests_run);
  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  printf ("\n");
  fflush (stdout);
  return condition;
}

static void
diag (const char *what,
      const char *text)
{
  printf ("# %s: %s\n", what, text);
  fflush (stdout);
}

static void
unique_name (char       *buf,
             size_t      size,
             const char *what)
{
  static LONG counter;

  snprintf (buf, size, "pipecalc-test-core-%lu-%ld-%s",
            (unsigned long) GetCurrentProcessId (),
            (long) InterlockedIncrement (&counter), what);
}

/* ---- An echo server over the core: one thread per client -------------- */

typedef struct
{
  PcNpipeServer *server;
  HANDLE         stop;
  HANDLE         thread;
  HANDLE         served[MAX_SERVED];
  LONG           n_served;
  LONG           lines;            /* lines echoed */
  LONG           partial_dropped;  /* clients that left in the middle of a line */
  LONG           too_long;         /* lines refused for their length */
  LONG           accept_failures;
} Harness;

typedef struct
{
  Harness *harness;
  HANDLE   pipe;
} Served;

/* Echoes every line; refuses a line longer than MAX_LINE and hangs up,
 * as pipecalc's line reader does. */
static DWORD WINAPI
serve_client (LPVOID data)
{
  Served *served = data;
  Harness *harness = served->harness;
  char *buf = malloc (MAX_LINE + 2);
  DWORD used = 0;
  PcNpipeError error;

  for (;;)
    {
      long n = pc_npipe_read (served->pipe, buf + used, MAX_LINE + 1 - used, &error);
      DWORD start = 0;

      if (n <= 0)
        {
          if (used > 0)
            InterlockedIncrement (&harness->partial_dropped);
          break;
        }
      used += (DWORD) n;
      for (DWORD i = 0; i < used; i++)
        if (buf[i] == '\n')
          {
            if (!pc_npipe_write_all (served->pipe, buf + start, i + 1 - start, &error))
              goto done;
            InterlockedIncrement (&harness->lines);
            start = i + 1;
          }
      memmove (buf, buf + start, used - start);
      used -= start;
      if (used > MAX_LINE)
        {
          static const char refusal[] = "ERROR line too long\n";

          InterlockedIncrement (&harness->too_long);
          pc_npipe_write_all (served->pipe, refusal, sizeof refusal - 1, &error);
          FlushFileBuffers (served->pipe);
          break;
        }
    }
done:
  DisconnectNamedPipe (served->pipe);
  CloseHandle (served->pipe);
  free (buf);
  free (served);
  return 0;
}

static DWORD WINAPI
accept_loop (LPVOID data)
{
  Harness *harness = data;
  HANDLE events[2] = { harness->stop, pc_npipe_server_get_event (harness->server) };

  for (;;)
    {
      HANDLE client;
      PcNpipeError error;
      DWORD woke = WaitForMultipleObjects (2, events, FALSE, INFINITE);

      if (woke == WAIT_OBJECT_0)
        return 0;
      switch (pc_npipe_server_accept (harness->server, &client, &error))
        {
        case PC_NPIPE_ACCEPT_CLIENT:
          {
            Served *served = calloc (1, sizeof *served);
            LONG slot = InterlockedIncrement (&harness->n_served) - 1;

            served->harness = harness;
            served->pipe = client;
            if (slot < MAX_SERVED)
              harness->served[slot] = CreateThread (NULL, 0, serve_client, served, 0, NULL);
            else
              {
                CloseHandle (client);
                free (served);
              }
          }
          break;
        case PC_NPIPE_ACCEPT_FAILED:
          InterlockedIncrement (&harness->accept_failures);
          diag ("accept failed", error.message);
          Sleep (100);
          break;
        case PC_NPIPE_ACCEPT_NONE:
          break;
        }
    }
}

static BOOL
harness_start (Harness    *harness,
               const char *name)
{
  PcNpipeError error;

  memset (harness, 0, sizeof *harness);
  harness->server = pc_npipe_server_new (name, NULL, &error);
  if (harness->server == NULL)
    {
      diag ("server", error.message);
      return FALSE;
    }
  harness->stop = CreateEventW (NULL, TRUE, FALSE, NULL);
  harness->thread = CreateThread (NULL, 0, accept_loop, harness, 0, NULL);
  return TRUE;
}

/* Stops accepting, waits for every client's thread (they end when their
 * clients hang up) and frees the server. */
static void
harness_stop (Harness *harness)
{
  LONG n = harness->n_served < MAX_SERVED ? harness->n_served : MAX_SERVED;

  SetEvent (harness->stop);
  WaitForSingleObject (harness->thread, INFINITE);
  CloseHandle (harness->thread);
  for (LONG i = 0; i < n; i++)
    if (harness->served[i] != NULL)
      {
        WaitForSingleObject (harness->served[i], 10000);
        CloseHandle (harness->served[i]);
      }
  CloseHandle (harness->stop);
  pc_npipe_server_free (harness->server);
}

/* Reads exactly @size bytes; FALSE at a short read. */
static BOOL
read_exactly (HANDLE  pipe,
              char   *buf,
              DWORD   size)
{
  PcNpipeError error;

  for (DWORD got = 0; got < size;)
    {
      long n = pc_npipe_read (pipe, buf + got, size - got, &error);

      if (n <= 0)
        return FALSE;
      got += (DWORD) n;
    }
  return TRUE;
}

/* ---- Many clients at once, each pipelining ----------------------------- */

#define N_CLIENTS 16
#define N_LINES 200

typedef struct
{
  const char *name;
  int         id;
  BOOL        ok;
  char        why[256];
} Pipeliner;

typedef struct
{
  HANDLE      pipe;
  const char *data;
  DWORD       size;
  BOOL        ok;
} Writer;

/* Writes on its own thread while the caller reads the same handle: what
 * overlapped handles allow and synchronous ones would serialise. */
static DWORD WINAPI
write_thread (LPVOID data)
{
  Writer *writer = data;
  PcNpipeError error;

  writer->ok = pc_npipe_write_all (writer->pipe, writer->data, writer->size, &error);
  return 0;
}

static DWORD WINAPI
pipeline_client (LPVOID data)
{
  Pipeliner *client = data;
  PcNpipeError error;
  char *expected = malloc (N_LINES * 64);
  char *got = malloc (N_LINES * 64);
  DWORD size = 0;
  HANDLE pipe;
  Writer writer;
  HANDLE thread;

  for (int i = 0; i < N_LINES; i++)
    size += (DWORD) sprintf (expected + size, "client %d line %d: %d*%d\n",
                             client->id, i, client->id, i);
  pipe = pc_npipe_connect (".", client->name, 10000, NULL, NULL, &error);
  if (pipe == INVALID_HANDLE_VALUE)
    {
      snprintf (client->why, sizeof client->why, "%s", error.message);
      goto out;
    }
  writer = (Writer) { pipe, expected, size, FALSE };
  thread = CreateThread (NULL, 0, write_thread, &writer, 0, NULL);
  client->ok = read_exactly (pipe, got, size) && memcmp (got, expected, size) == 0;
  WaitForSingleObject (thread, INFINITE);
  CloseHandle (thread);
  if (!writer.ok)
    client->ok = FALSE;
  if (!client->ok)
    snprintf (client->why, sizeof client->why, "client %d: echo differs", client->id);
  CloseHandle (pipe);
out:
  free (expected);
  free (got);
  return 0;
}

static void
test_many_clients (void)
{
  char name[128];
  Harness harness;
  Pipeliner clients[N_CLIENTS];
  HANDLE threads[N_CLIENTS];
  int good = 0;

  unique_name (name, sizeof name, "many");
  if (!ok (harness_start (&harness, name), "echo server starts"))
    return;
  for (int i = 0; i < N_CLIENTS; i++)
    {
      clients[i] = (Pipeliner) { name, i, FALSE, "" };
      threads[i] = CreateThread (NULL, 0, pipeline_client, &clients[i], 0, NULL);
    }
  WaitForMultipleObjects (N_CLIENTS, threads, TRUE, 60000);
  for (int i = 0; i < N_CLIENTS; i++)
    {
      CloseHandle (threads[i]);
      if (clients[i].ok)
        good++;
      else
        diag ("client", clients[i].why);
    }
  harness_stop (&harness);
  ok (good == N_CLIENTS, "%d clients at once, %d pipelined lines each: %d echoed every line in order",
      N_CLIENTS, N_LINES, good);
  ok (harness.lines == N_CLIENTS * N_LINES, "the server saw %ld lines (%d expected)",
      (long) harness.lines, N_CLIENTS * N_LINES);
  ok (harness.n_served == N_CLIENTS && harness.accept_failures == 0,
      "one instance per client (%ld), no failed accept (%ld)",
      (long) harness.n_served, (long) harness.accept_failures);
}

/* ---- Lines up to the maximum length ------------------------------------ */

static void
test_max_line (void)
{
  char name[128];
  Harness harness;
  PcNpipeError error;
  HANDLE pipe;
  char *line = malloc (MAX_LINE + 2);
  char *got = malloc (MAX_LINE + 2);
  Writer writer;
  HANDLE thread;
  char reply[64] = "";
  long n;

  unique_name (name, sizeof name, "maxline");
  if (!ok (harness_start (&harness, name), "echo server starts"))
    goto out;

  for (int i = 0; i < MAX_LINE; i++)
    line[i] = (char) ('0' + i % 10);
  line[MAX_LINE] = '\n';
  pipe = pc_npipe_connect (".", name, 5000, NULL, NULL, &error);
  if (ok (pipe != INVALID_HANDLE_VALUE, "client connects"))
    {
      /* Twice in one go: the echo of the first overlaps the second. */
      char *two = malloc (2 * (MAX_LINE + 1));

      memcpy (two, line, MAX_LINE + 1);
      memcpy (two + MAX_LINE + 1, line, MAX_LINE + 1);
      writer = (Writer) { pipe, two, 2 * (MAX_LINE + 1), FALSE };
      thread = CreateThread (NULL, 0, write_thread, &writer, 0, NULL);
      ok (read_exactly (pipe, got, MAX_LINE + 1) && memcmp (got, line, MAX_LINE + 1) == 0
          && read_exactly (pipe, got, MAX_LINE + 1) && memcmp (got, line, MAX_LINE + 1) == 0,
          "two lines of %d bytes, the maximum, come back whole", MAX_LINE);
      WaitForSingleObject (thread, INFINITE);
      CloseHandle (thread);
      ok (writer.ok, "both were written");
      free (two);
      CloseHandle (pipe);
    }

  /* One byte more, with no newline yet: refused, the connection ends. */
  pipe = pc_npipe_connect (".", name, 5000, NULL, NULL, &error);
  if (ok (pipe != INVALID_HANDLE_VALUE, "another client connects"))
    {
      line[MAX_LINE] = 'x';
      writer = (Writer) { pipe, line, MAX_LINE + 1, FALSE };
      thread = CreateThread (NULL, 0, write_thread, &writer, 0, NULL);
      n = pc_npipe_read (pipe, reply, sizeof reply - 1, &error);
      reply[n > 0 ? n : 0] = '\0';
      ok (strcmp (reply, "ERROR line too long\n") == 0,
          "a line of %d bytes is refused (got “%.*s”)", MAX_LINE + 1,
          (int) strcspn (reply, "\r\n"), reply);
      ok (pc_npipe_read (pipe, reply, sizeof reply, &error) == 0,
          "and the server hangs up");
      WaitForSingleObject (thread, INFINITE);
      CloseHandle (thread);
      CloseHandle (pipe);
    }
  harness_stop (&harness);
  ok (harness.too_long == 1, "the server counted one line too long (%ld)", (long) harness.too_long);
out:
  free (line);
  free (got);
}

/* ---- A client that dies mid-line --------------------------------------- */

/* Run in a child process: connect, send half a line, die without closing. */
static int
die_mid_line (const char *name)
{
  PcNpipeError error;
  HANDLE pipe = pc_npipe_connect (".", name, 5000, NULL, NULL, &error);

  if (pipe == INVALID_HANDLE_VALUE)
    return 2;
  pc_npipe_write_all (pipe, "2^10 + ", 7, &error);
  TerminateProcess (GetCurrentProcess (), 9);
  return 3;
}

static void
test_client_dies (void)
{
  char name[128];
  Harness harness;
  wchar_t exe[MAX_PATH];
  wchar_t command[MAX_PATH + 200];
  STARTUPINFOW startup = { .cb = sizeof startup };
  PROCESS_INFORMATION process;
  DWORD status = 0;
  PcNpipeError error;
  HANDLE pipe;
  char reply[16] = "";

  unique_name (name, sizeof name, "dies");
  if (!ok (harness_start (&harness, name), "echo server starts"))
    return;
  GetModuleFileNameW (NULL, exe, MAX_PATH);
  _snwprintf (command, sizeof command / sizeof command[0], L"\"%ls\" --die-mid-line %hs",
              exe, name);
  if (ok (CreateProcessW (exe, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process),
          "a child process starts"))
    {
      WaitForSingleObject (process.hProcess, 20000);
      GetExitCodeProcess (process.hProcess, &status);
      CloseHandle (process.hProcess);
      CloseHandle (process.hThread);
      ok (status == 9, "it connected, wrote half a line and died (status %lu)",
          (unsigned long) status);
      for (int i = 0; i < 100 && harness.partial_dropped == 0; i++)
        Sleep (50);
      ok (harness.partial_dropped == 1, "the server saw the end in the middle of a line");
    }
  /* And goes on serving. */
  pipe = pc_npipe_connect (".", name, 5000, NULL, NULL, &error);
  if (ok (pipe != INVALID_HANDLE_VALUE, "a new client connects after that"))
    {
      ok (pc_npipe_write_all (pipe, "1+1\n", 4, &error) && read_exactly (pipe, reply, 4)
          && memcmp (reply, "1+1\n", 4) == 0, "and is served");
      CloseHandle (pipe);
    }
  harness_stop (&harness);
}

/* ---- What the server asks of the system -------------------------------- */

static BOOL
has_sid (const PcNpipeDacl *dacl,
         const char        *sid)
{
  for (int i = 0; i < dacl->count && i < 8; i++)
    if (strcmp (dacl->aces[i].sid, sid) == 0)
      return TRUE;
  return FALSE;
}

static void
test_flags_and_acl (BOOL allow_remote)
{
  const char *mode = allow_remote ? "allow-remote" : "local";
  char name[128];
  char user[192];
  PcNpipeServerOptions options = { allow_remote };
  PcNpipeServer *server;
  PcNpipeError error;
  PcNpipeCreateFlags flags;
  PcNpipeDacl dacl;
  DWORD type = 0, out_size = 0, in_size = 0, instances = 0;
  HANDLE client;
  HANDLE accepted = INVALID_HANDLE_VALUE;

  unique_name (name, sizeof name, "flags");
  server = pc_npipe_server_new (name, &options, &error);
  if (!ok (server != NULL, "%s: server created", mode))
    {
      diag ("server", error.message);
      return;
    }
  pc_npipe_server_get_create_flags (server, &flags);
  ok ((flags.first_open_mode & FILE_FLAG_FIRST_PIPE_INSTANCE) != 0,
      "%s: the first instance asks for FILE_FLAG_FIRST_PIPE_INSTANCE", mode);
  ok ((flags.first_open_mode & (FILE_FLAG_OVERLAPPED | PIPE_ACCESS_DUPLEX))
      == (FILE_FLAG_OVERLAPPED | PIPE_ACCESS_DUPLEX),
      "%s: it is duplex and overlapped", mode);
  ok (((flags.first_pipe_mode & PIPE_REJECT_REMOTE_CLIENTS) != 0) == !allow_remote,
      "%s: PIPE_REJECT_REMOTE_CLIENTS %s", mode, allow_remote ? "not passed" : "passed");
  ok ((flags.first_pipe_mode & (PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE)) == 0,
      "%s: byte mode", mode);
  if (!GetNamedPipeInfo (pc_npipe_server_get_waiting_handle (server), &type, &out_size,
                         &in_size, &instances))
    printf ("# GetNamedPipeInfo: error %lu\n", (unsigned long) GetLastError ());
  ok ((type & PIPE_SERVER_END) && !(type & PIPE_TYPE_MESSAGE)
      && (instances == PIPE_UNLIMITED_INSTANCES || instances == (DWORD) -1),
      "%s: the system reports a byte-mode server end, unlimited instances "
      "(type %#lx, max %lu; wine says -1 for unlimited)", mode, (unsigned long) type, (unsigned long) instances);

  if (ok (pc_npipe_current_user_sid (user, sizeof user, &error), "%s: the user's SID: %s",
          mode, user)
      && ok (pc_npipe_query_dacl (pc_npipe_server_get_waiting_handle (server), &dacl, &error),
             "%s: the DACL reads back", mode))
    {
      int expected = allow_remote ? 2 : 1;

      ok (dacl.present && !dacl.null_dacl, "%s: a DACL is there, not a NULL DACL", mode);
      ok (dacl.count == expected, "%s: %d ACE(s) (%d)", mode, expected, dacl.count);
      ok (dacl.aces[0].type == ACCESS_ALLOWED_ACE_TYPE && strcmp (dacl.aces[0].sid, user) == 0
          && dacl.aces[0].mask == PC_NPIPE_USER_RIGHTS,
          "%s: the first allows the current user (%s, %#lx)", mode, dacl.aces[0].sid,
          (unsigned long) dacl.aces[0].mask);
      if (allow_remote)
        ok (dacl.aces[1].type == ACCESS_ALLOWED_ACE_TYPE
            && strcmp (dacl.aces[1].sid, "S-1-5-11") == 0
            && dacl.aces[1].mask == PC_NPIPE_REMOTE_RIGHTS
            && !(dacl.aces[1].mask & (FILE_CREATE_PIPE_INSTANCE | GENERIC_ALL | WRITE_DAC)),
            "%s: the second allows Authenticated Users to read and write, not to "
            "create instances (%s, %#lx)", mode, dacl.aces[1].sid,
            (unsigned long) dacl.aces[1].mask);
      ok (!has_sid (&dacl, "S-1-1-0") && !has_sid (&dacl, "S-1-5-7")
          && (allow_remote || !has_sid (&dacl, "S-1-5-11")),
          "%s: neither Everyone nor anonymous logons%s", mode,
          allow_remote ? "" : " nor Authenticated Users");
    }

  /* Instances after the first must not ask for FIRST_PIPE_INSTANCE: they
   * would fail while the first exists. */
  client = pc_npipe_connect (".", name, 5000, NULL, NULL, &error);
  for (int i = 0; i < 100 && accepted == INVALID_HANDLE_VALUE; i++)
    {
      WaitForSingleObject (pc_npipe_server_get_event (server), 50);
      pc_npipe_server_accept (server, &accepted, &error);
    }
  ok (client != INVALID_HANDLE_VALUE && accepted != INVALID_HANDLE_VALUE,
      "%s: a client is accepted", mode);
  pc_npipe_server_get_create_flags (server, &flags);
  ok (pc_npipe_server_get_waiting_handle (server) != NULL
      && !(flags.open_mode & FILE_FLAG_FIRST_PIPE_INSTANCE)
      && ((flags.pipe_mode & PIPE_REJECT_REMOTE_CLIENTS) != 0) == !allow_remote,
      "%s: a new instance waits, without FIRST_PIPE_INSTANCE, same remote rule", mode);
  if (pc_npipe_query_dacl (pc_npipe_server_get_waiting_handle (server), &dacl, &error))
    ok (dacl.count == (allow_remote ? 2 : 1) && strcmp (dacl.aces[0].sid, user) == 0,
        "%s: with the same DACL", mode);
  {
    char peer[64];

    pc_npipe_describe_client (accepted, peer, sizeof peer);
    ok (strncmp (peer, "pid ", 4) == 0 && strtoul (peer + 4, NULL, 10) == GetCurrentProcessId (),
        "%s: the peer is described as this process (%s)", mode, peer);
  }
  CloseHandle (client);
  CloseHandle (accepted);
  pc_npipe_server_free (server);
}

/* ---- One server per name ------------------------------------------------ */

static void
test_second_server (void)
{
  char name[128];
  PcNpipeServer *first;
  PcNpipeServer *second;
  PcNpipeError error;

  unique_name (name, sizeof name, "second");
  first = pc_npipe_server_new (name, NULL, &error);
  if (!ok (first != NULL, "first server created"))
    return;
  second = pc_npipe_server_new (name, NULL, &error);
  ok (second == NULL && error.failure == PC_NPIPE_FAIL_IN_USE
      && strstr (error.message, "Another program already has the pipe") != NULL
      && strstr (error.message, name) != NULL,
      "a second server on a live name is refused: %s", error.message);
  pc_npipe_server_free (second);
  pc_npipe_server_free (first);

  first = pc_npipe_server_new (name, NULL, &error);
  ok (first != NULL, "the name is free again once the first server is gone");
  pc_npipe_server_free (first);
}

/* ---- Names and client errors ------------------------------------------- */

static void
test_names (void)
{
  char name[4 * PC_NPIPE_NAME_MAX + 8];
  PcNpipeError error;
  wchar_t *path;

  memset (name, 'a', PC_NPIPE_NAME_MAX);
  name[PC_NPIPE_NAME_MAX] = '\0';
  ok (pc_npipe_check_name (name, &error), "a name of %d characters is allowed",
      PC_NPIPE_NAME_MAX);
  name[PC_NPIPE_NAME_MAX] = 'a';
  name[PC_NPIPE_NAME_MAX + 1] = '\0';
  ok (!pc_npipe_check_name (name, &error) && error.failure == PC_NPIPE_FAIL_NAME_TOO_LONG
      && strstr (error.message, "257 characters") && strstr (error.message, "256"),
      "one more is refused: %s", error.message);
  /* Counted in characters: 256 Cyrillic letters are 512 bytes. */
  name[0] = '\0';
  for (int i = 0; i < PC_NPIPE_NAME_MAX; i++)
    strcat (name, "\xd1\x8f");
  ok (pc_npipe_check_name (name, &error), "256 two-byte characters are allowed");
  ok (!pc_npipe_check_name ("a/b", &error) && error.failure == PC_NPIPE_FAIL_NAME_CHARACTER
      && strstr (error.message, "slash"), "a slash is refused: %s", error.message);
  ok (!pc_npipe_check_name ("a\\b", &error) && error.failure == PC_NPIPE_FAIL_NAME_CHARACTER,
      "a backslash is refused");
  ok (!pc_npipe_check_name ("a\tb", &error) && error.failure == PC_NPIPE_FAIL_NAME_CHARACTER,
      "a control character is refused");
  ok (!pc_npipe_check_name ("", &error) && error.failure == PC_NPIPE_FAIL_NAME_EMPTY
      && strstr (error.message, "empty"), "an empty name is refused: %s", error.message);
  ok (!pc_npipe_check_name ("\xff\xfe", &error) && error.failure == PC_NPIPE_FAIL_NAME_ENCODING,
      "a name that is not UTF-8 is refused");
  ok (pc_npipe_server_new ("a/b", NULL, &error) == NULL
      && error.failure == PC_NPIPE_FAIL_NAME_CHARACTER,
      "a server refuses such a name before creating anything");

  path = pc_npipe_path_new (".", "pipecalc", &error);
  ok (path != NULL && wcscmp (path, L"\\\\.\\pipe\\pipecalc") == 0,
      "npipe://./pipecalc is \\\\.\\pipe\\pipecalc");
  free (path);
  path = pc_npipe_path_new ("calc-host", "x", &error);
  ok (path != NULL && wcscmp (path, L"\\\\calc-host\\pipe\\x") == 0,
      "npipe://calc-host/x is \\\\calc-host\\pipe\\x");
  free (path);
  ok (pc_npipe_path_new ("a\\b", "x", &error) == NULL && error.failure == PC_NPIPE_FAIL_HOST,
      "a host with a backslash is refused");
}

static int
cancel_at_once (void *data)
{
  return *(int *) data;
}

static void
test_client_errors (void)
{
  char name[128];
  PcNpipeError error;
  HANDLE pipe;
  HANDLE only;
  HANDLE holder;
  ULONGLONG start;
  ULONGLONG elapsed;
  int cancelled = 1;

  unique_name (name, sizeof name, "nobody");
  pipe = pc_npipe_connect (".", name, 1000, NULL, NULL, &error);
  ok (pipe == INVALID_HANDLE_VALUE && error.failure == PC_NPIPE_FAIL_NOT_FOUND
      && error.code == ERROR_FILE_NOT_FOUND && error.system[0] != '\0'
      && strstr (error.message, error.system) && strstr (error.message, name),
      "nobody listening: not found, with the system's words: %s", error.message);

  /* A pipe of one instance, taken: every instance busy. */
  unique_name (name, sizeof name, "busy");
  {
    wchar_t *path = pc_npipe_path_new (".", name, &error);

    only = CreateNamedPipeW (path, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                             PIPE_TYPE_BYTE, 1, 4096, 4096, 0, NULL);
    free (path);
  }
  holder = pc_npipe_connect (".", name, 1000, NULL, NULL, &error);
  if (ok (only != INVALID_HANDLE_VALUE && holder != INVALID_HANDLE_VALUE,
          "a pipe with one instance, taken"))
    {
      start = GetTickCount64 ();
      pipe = pc_npipe_connect (".", name, 400, NULL, NULL, &error);
      elapsed = GetTickCount64 () - start;
      ok (pipe == INVALID_HANDLE_VALUE && error.failure == PC_NPIPE_FAIL_TIMED_OUT
          && elapsed >= 350 && elapsed < 3000,
          "busy: waits for its timeout and no longer (%lu ms): %s",
          (unsigned long) elapsed, error.message);
      pipe = pc_npipe_connect (".", name, 5000, cancel_at_once, &cancelled, &error);
      ok (pipe == INVALID_HANDLE_VALUE && error.failure == PC_NPIPE_FAIL_CANCELLED,
          "a cancelled connect stops: %s", error.message);
    }
  if (holder != INVALID_HANDLE_VALUE)
    CloseHandle (holder);
  if (only != INVALID_HANDLE_VALUE)
    CloseHandle (only);

  pipe = pc_npipe_connect (".", "a/b", 1000, NULL, NULL, &error);
  ok (pipe == INVALID_HANDLE_VALUE && error.failure == PC_NPIPE_FAIL_NAME_CHARACTER,
      "a client refuses a bad name without trying: %s", error.message);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && strcmp (argv[1], "--die-mid-line") == 0)
    return die_mid_line (argv[2]);

  test_names ();
  test_client_errors ();
  test_flags_and_acl (FALSE);
  test_flags_and_acl (TRUE);
  test_second_server ();
  test_many_clients ();
  test_max_line ();
  test_client_dies ();

  printf ("1..%d\n", tests_run);
  printf ("# %d passed, %d failed\n", tests_run - tests_failed, tests_failed);
  return tests_failed == 0 ? 0 : 1;
}
