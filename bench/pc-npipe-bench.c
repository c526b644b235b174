/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers
 *
 * The named-pipe load generator of bench/wine-npipe.sh, and its raw
 * baseline: plain C over the Win32 API with no GLib, so that it builds with
 * mingw-w64 alone. Modes:
 *
 *   pc-npipe-bench echo [--max-seconds S] NAME
 *       a raw echo server on \\.\pipe\NAME: byte mode, a thread per
 *       instance, every byte read is written back; nothing else, the limit
 *       of the pipe itself. Prints "ready" when the pipe exists; exits
 *       after S seconds (default 900).
 *   pc-npipe-bench pingpong [--seconds S] NAME
 *       one line "2+2\n", wait for the reply line, again, for S seconds;
 *       prints round_trips_per_s, p50_us and p99_us.
 *   pc-npipe-bench pipeline [--count N] [--seconds S] NAME
 *       writes N lines "2+2\n" on one thread while reading the replies on
 *       another; prints lines_per_s. Fails after S seconds (default 60).
 *
 * NAME is a pipe name or an npipe://./NAME address. Against the echo
 * server the reply line is the request line itself. Output lines are
 * "METRIC VALUE UNIT", as bench/pipecalc-bench.c prints them. */

#include "pc-npipe-win32.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUEST "2+2\n"
#define MAX_SAMPLES 2000000
#define MAX_TRIPS 20000000

static LARGE_INTEGER frequency;

static double
now_s (void)
{
  LARGE_INTEGER t;

  QueryPerformanceCounter (&t);
  return (double) t.QuadPart / (double) frequency.QuadPart;
}

static void
die (const char *format, ...)
{
  va_list args;

  fputs ("pc-npipe-bench: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  exit (1);
}

static void
metric (const char *name, double value, const char *unit)
{
  printf ("%s %.6g %s\n", name, value, unit);
}

/* ---- Blocking I/O on an overlapped handle, one event per direction ------ */

/* pc_npipe_read() creates an event per call; the baseline must cost as
 * little as possible, so each direction keeps its own. */
typedef struct
{
  HANDLE     handle;
  OVERLAPPED overlapped;
} Io;

static void
io_init (Io *io, HANDLE handle)
{
  memset (io, 0, sizeof *io);
  io->handle = handle;
  io->overlapped.hEvent = CreateEventW (NULL, TRUE, FALSE, NULL);
  if (io->overlapped.hEvent == NULL)
    die ("CreateEvent failed: %lu", (unsigned long) GetLastError ());
}

static void
io_clear (Io *io)
{
  CloseHandle (io->overlapped.hEvent);
}

/* Returns the count, 0 when the other side closed, -1 on error or when
 * @timeout_ms passed (then the read is cancelled). */
static long
io_read (Io *io, void *buf, DWORD size, DWORD timeout_ms)
{
  DWORD n = 0, code;

  ResetEvent (io->overlapped.hEvent);
  if (!ReadFile (io->handle, buf, size, NULL, &io->overlapped))
    {
      code = GetLastError ();
      if (code != ERROR_IO_PENDING)
        goto failed;
      if (WaitForSingleObject (io->overlapped.hEvent, timeout_ms) != WAIT_OBJECT_0)
        {
          CancelIo (io->handle);
          GetOverlappedResult (io->handle, &io->overlapped, &n, TRUE);
          SetLastError (WAIT_TIMEOUT);
          return -1;
        }
    }
  if (GetOverlappedResult (io->handle, &io->overlapped, &n, TRUE))
    return (long) n;
  code = GetLastError ();
failed:
  if (code == ERROR_BROKEN_PIPE || code == ERROR_PIPE_NOT_CONNECTED
      || code == ERROR_HANDLE_EOF)
    return 0;
  SetLastError (code);
  return -1;
}

static BOOL
io_write_all (Io *io, const void *buf, DWORD size)
{
  const BYTE *p = buf;

  while (size > 0)
    {
      DWORD n = 0;

      ResetEvent (io->overlapped.hEvent);
      if (!WriteFile (io->handle, p, size, NULL, &io->overlapped)
          && GetLastError () != ERROR_IO_PENDING)
        return FALSE;
      if (!GetOverlappedResult (io->handle, &io->overlapped, &n, TRUE))
        return FALSE;
      p += n;
      size -= n;
    }
  return TRUE;
}

/* ---- echo ------------------------------------------------------------------ */

static DWORD WINAPI
echo_instance (void *data)
{
  HANDLE handle = data;
  Io in, out;
  char *buf = malloc (PC_NPIPE_BUFFER_SIZE);
  long n;

  if (buf == NULL)
    die ("out of memory");
  io_init (&in, handle);
  io_init (&out, handle);
  while ((n = io_read (&in, buf, PC_NPIPE_BUFFER_SIZE, INFINITE)) > 0)
    if (!io_write_all (&out, buf, (DWORD) n))
      break;
  io_clear (&in);
  io_clear (&out);
  free (buf);
  FlushFileBuffers (handle);
  DisconnectNamedPipe (handle);
  CloseHandle (handle);
  return 0;
}

static int
run_echo (const char *name, double max_seconds)
{
  PcNpipeServerOptions options = { FALSE };
  PcNpipeError error;
  PcNpipeServer *server = pc_npipe_server_new (name, &options, &error);
  double deadline = now_s () + max_seconds;

  if (server == NULL)
    die ("%s", error.message);
  printf ("ready\n");
  fflush (stdout);
  while (now_s () < deadline)
    {
      HANDLE client;
      HANDLE thread;

      if (WaitForSingleObject (pc_npipe_server_get_event (server), 500) != WAIT_OBJECT_0)
        continue;
      switch (pc_npipe_server_accept (server, &client, &error))
        {
        case PC_NPIPE_ACCEPT_CLIENT:
          thread = CreateThread (NULL, 0, echo_instance, client, 0, NULL);
          if (thread == NULL)
            die ("CreateThread failed: %lu", (unsigned long) GetLastError ());
          CloseHandle (thread);
          break;
        case PC_NPIPE_ACCEPT_FAILED:
          fprintf (stderr, "pc-npipe-bench: %s\n", error.message);
          Sleep (10);
          break;
        case PC_NPIPE_ACCEPT_NONE:
          break;
        }
    }
  pc_npipe_server_free (server);
  return 0;
}

/* ---- The clients -------------------------------------------------------------- */

static HANDLE
connect_to (const char *name)
{
  PcNpipeError error;
  HANDLE handle = pc_npipe_connect (".", name, 10000, NULL, NULL, &error);

  if (handle == INVALID_HANDLE_VALUE)
    die ("%s", error.message);
  return handle;
}

/* The first reply must be pipecalcd's "4" or the echo's "2+2": a server
 * answering with errors would otherwise be counted all the same. */
static void
check_reply (const char *buf, size_t len)
{
  const char *nl = memchr (buf, '\n', len);
  size_t n;

  if (nl == NULL)
    return;
  n = (size_t) (nl - buf);
  if (n > 0 && buf[n - 1] == '\r')
    n--;
  if (!(n == 1 && buf[0] == '4') && !(n == 3 && memcmp (buf, "2+2", 3) == 0))
    die ("unexpected reply to 2+2: \"%.*s\"", (int) (n < 200 ? n : 200), buf);
}

static int
compare_u32 (const void *a, const void *b)
{
  unsigned int x = *(const unsigned int *) a, y = *(const unsigned int *) b;

  return x < y ? -1 : x > y;
}

static int
run_pingpong (const char *name, double seconds)
{
  HANDLE handle = connect_to (name);
  Io in, out;
  unsigned int *samples = malloc (MAX_SAMPLES * sizeof *samples);
  size_t n_samples = 0;
  unsigned long long trips = 0;
  char buf[4096];
  double start, end, elapsed;

  if (samples == NULL)
    die ("out of memory");
  io_init (&in, handle);
  io_init (&out, handle);
  start = now_s ();
  end = start + seconds;
  for (;;)
    {
      double t0 = now_s (), t1;
      size_t have = 0;

      if (t0 >= end || trips >= MAX_TRIPS)
        break;
      if (!io_write_all (&out, REQUEST, sizeof REQUEST - 1))
        die ("write failed: %lu", (unsigned long) GetLastError ());
      /* One request, one reply line: read until its newline. */
      while (have == 0 || buf[have - 1] != '\n')
        {
          long n = io_read (&in, buf + have, (DWORD) (sizeof buf - have), 30000);

          if (n <= 0)
            die (n == 0 ? "the server closed the pipe" : "read failed: %lu",
                 (unsigned long) GetLastError ());
          have += (size_t) n;
          if (have == sizeof buf)
            die ("a reply line longer than %u bytes", (unsigned) sizeof buf);
        }
      t1 = now_s ();
      if (trips == 0)
        check_reply (buf, have);
      trips++;
      if (n_samples < MAX_SAMPLES)
        samples[n_samples++] = (unsigned int) ((t1 - t0) * 1e9);
    }
  elapsed = now_s () - start;
  io_clear (&in);
  io_clear (&out);
  CloseHandle (handle);
  qsort (samples, n_samples, sizeof *samples, compare_u32);
  metric ("round_trips_per_s", (double) trips / elapsed, "1/s");
  if (n_samples > 0)
    {
      metric ("p50_us", samples[n_samples / 2] / 1e3, "us");
      metric ("p99_us", samples[n_samples * 99 / 100 < n_samples - 1
                                ? n_samples * 99 / 100 : n_samples - 1] / 1e3, "us");
    }
  free (samples);
  return 0;
}

typedef struct
{
  HANDLE handle;
  long   count;
  BOOL   ok;
  DWORD  code;
} Writer;

static DWORD WINAPI
pipeline_writer (void *data)
{
  Writer *w = data;
  Io out;
  char chunk[4096];
  const size_t per_chunk = sizeof chunk / (sizeof REQUEST - 1);
  long left = w->count;

  for (size_t i = 0; i < per_chunk; i++)
    memcpy (chunk + i * (sizeof REQUEST - 1), REQUEST, sizeof REQUEST - 1);
  io_init (&out, w->handle);
  w->ok = TRUE;
  while (left > 0)
    {
      long lines = left < (long) per_chunk ? left : (long) per_chunk;

      if (!io_write_all (&out, chunk, (DWORD) (lines * (sizeof REQUEST - 1))))
        {
          w->ok = FALSE;
          w->code = GetLastError ();
          break;
        }
      left -= lines;
    }
  io_clear (&out);
  return 0;
}

static int
run_pipeline (const char *name, long count, double seconds)
{
  HANDLE handle = connect_to (name);
  Writer writer = { handle, count, FALSE, 0 };
  HANDLE thread;
  Io in;
  static char buf[PC_NPIPE_BUFFER_SIZE];
  long lines = 0;
  double start, deadline, elapsed;

  io_init (&in, handle);
  start = now_s ();
  deadline = start + seconds;
  thread = CreateThread (NULL, 0, pipeline_writer, &writer, 0, NULL);
  if (thread == NULL)
    die ("CreateThread failed: %lu", (unsigned long) GetLastError ());
  while (lines < count)
    {
      double left = deadline - now_s ();
      long n;

      if (left <= 0)
        die ("pipeline stopped with %ld of %ld replies after %g s", lines, count, seconds);
      n = io_read (&in, buf, sizeof buf, (DWORD) (left * 1000) + 1);
      if (n == 0)
        die ("the server closed the pipe after %ld of %ld replies", lines, count);
      if (n < 0)
        die ("read failed after %ld of %ld replies: %lu", lines, count,
             (unsigned long) GetLastError ());
      if (lines == 0)
        check_reply (buf, (size_t) n);
      for (long i = 0; i < n; i++)
        lines += buf[i] == '\n';
    }
  elapsed = now_s () - start;
  WaitForSingleObject (thread, INFINITE);
  CloseHandle (thread);
  if (!writer.ok)
    die ("write failed: %lu", (unsigned long) writer.code);
  io_clear (&in);
  CloseHandle (handle);
  metric ("lines_per_s", (double) lines / elapsed, "1/s");
  return 0;
}

/* ---- main ------------------------------------------------------------------------ */

static void
usage (void)
{
  fprintf (stderr,
           "usage: pc-npipe-bench echo [--max-seconds S] NAME\n"
           "       pc-npipe-bench pingpong [--seconds S] NAME\n"
           "       pc-npipe-bench pipeline [--count N] [--seconds S] NAME\n"
           "NAME: a pipe name, or npipe://./NAME\n");
  exit (2);
}

int
main (int argc, char **argv)
{
  const char *mode, *name = NULL;
  double seconds = -1;
  long count = 10000;
  PcNpipeError error;

  QueryPerformanceFrequency (&frequency);
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc < 3)
    usage ();
  mode = argv[1];
  for (int i = 2; i < argc; i++)
    {
      if ((strcmp (argv[i], "--seconds") == 0 || strcmp (argv[i], "--max-seconds") == 0)
          && i + 1 < argc)
        seconds = atof (argv[++i]);
      else if (strcmp (argv[i], "--count") == 0 && i + 1 < argc)
        count = atol (argv[++i]);
      else if (argv[i][0] == '-' || name != NULL)
        usage ();
      else
        name = argv[i];
    }
  if (name == NULL || count < 1)
    usage ();
  if (strncmp (name, "npipe://./", 10) == 0)
    name += 10;
  if (!pc_npipe_check_name (name, &error))
    die ("%s", error.message);

  if (strcmp (mode, "echo") == 0)
    return run_echo (name, seconds > 0 ? seconds : 900);
  if (strcmp (mode, "pingpong") == 0)
    return run_pingpong (name, seconds > 0 ? seconds : 3);
  if (strcmp (mode, "pipeline") == 0)
    return run_pipeline (name, count, seconds > 0 ? seconds : 60);
  usage ();
  return 2;
}
