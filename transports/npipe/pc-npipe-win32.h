/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

/* The Win32 half of the named-pipe transport: plain C over the Win32 API,
 * with no GLib, so that it builds alone with mingw-w64 and is tested under
 * wine (tests/windows/test-npipe-core.c). The GIO glue
 * (pc-transport-npipe.c) wraps the handles it hands out in GWin32 streams.
 *
 * Every handle this file opens is overlapped (FILE_FLAG_OVERLAPPED): a
 * pipe handle opened without it serialises all I/O on it, so a read waiting
 * for the next request would hold up the write of the previous reply. */

#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601 /* Windows 7: PIPE_REJECT_REMOTE_CLIENTS */
#endif
#include <stddef.h>
#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest pipe name, in characters, without the \\host\pipe\ prefix. */
#define PC_NPIPE_NAME_MAX 256

/* Buffer sizes the pipe is created with; a hint to the system, which
 * grows them as needed in byte mode. */
#define PC_NPIPE_BUFFER_SIZE 65536

/* What went wrong, for the caller to word in its own (translated) terms;
 * the Win32 code and the system's own message come with it. */
typedef enum
{
  PC_NPIPE_OK = 0,
  PC_NPIPE_FAIL_NAME_EMPTY,      /* the pipe name is empty */
  PC_NPIPE_FAIL_NAME_TOO_LONG,   /* more than PC_NPIPE_NAME_MAX characters */
  PC_NPIPE_FAIL_NAME_CHARACTER,  /* a slash, backslash or control character */
  PC_NPIPE_FAIL_NAME_ENCODING,   /* the name is not valid UTF-8 */
  PC_NPIPE_FAIL_HOST,            /* the host is empty or has a slash */
  PC_NPIPE_FAIL_SECURITY,        /* the security descriptor could not be built */
  PC_NPIPE_FAIL_IN_USE,          /* another server (or a squatter) has the name */
  PC_NPIPE_FAIL_CREATE,          /* CreateNamedPipeW failed otherwise */
  PC_NPIPE_FAIL_ACCEPT,          /* ConnectNamedPipe failed */
  PC_NPIPE_FAIL_NOT_FOUND,       /* no pipe of that name (nobody listens) */
  PC_NPIPE_FAIL_HOST_UNREACHABLE,/* the host or its pipe service cannot be reached */
  PC_NPIPE_FAIL_ACCESS_DENIED,   /* the pipe's DACL refuses us */
  PC_NPIPE_FAIL_TIMED_OUT,       /* every instance stayed busy until the timeout */
  PC_NPIPE_FAIL_CANCELLED,       /* the caller's cancel function said so */
  PC_NPIPE_FAIL_CONNECT,         /* CreateFileW or WaitNamedPipeW failed otherwise */
  PC_NPIPE_FAIL_IO,              /* a read or a write failed */
  PC_NPIPE_FAIL_CLOSED,          /* the other end closed the pipe */
} PcNpipeFailure;

typedef struct
{
  PcNpipeFailure failure;
  DWORD          code;            /* Win32 error code; 0 when the failure is ours */
  char           system[512];     /* FormatMessageW of @code, UTF-8, no trailing
                                   * newline; empty when @code is 0 */
  char           message[1024];   /* an English sentence naming the pipe, for logs
                                   * and tests: what failed, then @system */
} PcNpipeError;

/* Checks a pipe name: not empty, at most PC_NPIPE_NAME_MAX characters
 * (Unicode code points, not UTF-8 bytes), valid UTF-8, no "/", "\" or
 * control character. Returns TRUE, or FALSE with @error set (may be NULL). */
BOOL  pc_npipe_check_name        (const char   *name,
                                  PcNpipeError *error);

/* Returns the full path \\@host\pipe\@name as a newly allocated UTF-16
 * string (free() it), or NULL with @error set when @host or @name is not
 * valid. @host "." is this computer. */
wchar_t *pc_npipe_path_new       (const char   *host,
                                  const char   *name,
                                  PcNpipeError *error);

/* Fills @error (may be NULL) with @failure, @code, the system's message
 * for @code and an English sentence: @format's, then ": " and the system
 * message when @code is not 0. Returns FALSE, so that a failing function
 * can end with "return pc_npipe_fail (...)". */
BOOL  pc_npipe_fail              (PcNpipeError   *error,
                                  PcNpipeFailure  failure,
                                  DWORD           code,
                                  const char     *format,
                                  ...)
#ifdef __GNUC__
  __attribute__ ((format (printf, 4, 5)))
#endif
  ;

/* The system's message for @code (FormatMessageW, in the user's language),
 * as UTF-8 in @buf, trailing newline and full stop removed. */
void  pc_npipe_format_system_message (DWORD   code,
                                      char   *buf,
                                      size_t  size);

/* ---- The server --------------------------------------------------------- */

typedef struct
{
  /* Accept clients on other machines: no PIPE_REJECT_REMOTE_CLIENTS, and
   * the DACL also admits Authenticated Users (never Everyone or anonymous
   * logons). Off: only this machine, only the current user. */
  BOOL allow_remote;
} PcNpipeServerOptions;

typedef struct _PcNpipeServer PcNpipeServer;

/* Creates the first instance of \\.\pipe\@name, with
 * FILE_FLAG_FIRST_PIPE_INSTANCE, and starts waiting for a client on it.
 * A name another server (or anybody else) already holds fails with
 * PC_NPIPE_FAIL_IN_USE. Never blocks. */
PcNpipeServer *pc_npipe_server_new  (const char                 *name,
                                     const PcNpipeServerOptions *options,
                                     PcNpipeError               *error);

/* A manual-reset event, signalled when a client has connected to the
 * waiting instance or the wait failed: then call pc_npipe_server_accept().
 * Owned by the server; valid until pc_npipe_server_free(). */
HANDLE pc_npipe_server_get_event   (PcNpipeServer *server);

typedef enum
{
  PC_NPIPE_ACCEPT_NONE,    /* nobody yet: wait on the event again */
  PC_NPIPE_ACCEPT_CLIENT,  /* *@client is a connected instance, now the caller's */
  PC_NPIPE_ACCEPT_FAILED,  /* @error says why; call again a little later */
} PcNpipeAcceptResult;

/* Takes the connected instance, if any, and puts a new instance waiting
 * in its place, so that one always waits while others are in use. After a
 * failure (the system out of resources, say) the server has no waiting
 * instance; the next call tries again to create one. Never blocks. */
PcNpipeAcceptResult pc_npipe_server_accept (PcNpipeServer *server,
                                            HANDLE        *client,
                                            PcNpipeError  *error);

/* Closes the waiting instance and frees the server; instances handed out
 * stay open. The name disappears when the last instance is closed. */
void  pc_npipe_server_free         (PcNpipeServer *server);

/* What the server passed to CreateNamedPipeW for its first instance and for
 * the latest one, read back by tests: wine does not enforce
 * FILE_FLAG_FIRST_PIPE_INSTANCE or PIPE_REJECT_REMOTE_CLIENTS as Windows
 * does, so a test can only check that they were asked for. */
typedef struct
{
  DWORD first_open_mode;
  DWORD first_pipe_mode;
  DWORD open_mode;
  DWORD pipe_mode;
  DWORD max_instances;
} PcNpipeCreateFlags;

void  pc_npipe_server_get_create_flags (PcNpipeServer      *server,
                                        PcNpipeCreateFlags *flags);

/* The waiting instance's handle, for pc_npipe_query_dacl() and
 * GetNamedPipeInfo(); NULL between a failed accept and the next one. */
HANDLE pc_npipe_server_get_waiting_handle (PcNpipeServer *server);

/* ---- Reading back a security descriptor -------------------------------- */

typedef struct
{
  BYTE  type;       /* ACCESS_ALLOWED_ACE_TYPE, ACCESS_DENIED_ACE_TYPE, ... */
  DWORD mask;       /* the access rights it grants or denies */
  char  sid[192];   /* the SID as a string, "S-1-5-11" */
} PcNpipeAce;

typedef struct
{
  BOOL       present;    /* the descriptor has a DACL at all */
  BOOL       null_dacl;  /* present but NULL: everybody allowed everything */
  int        count;      /* ACEs in the DACL (only the first 8 are kept) */
  PcNpipeAce aces[8];
} PcNpipeDacl;

/* Reads the DACL of @handle back with GetSecurityInfo(), as the system
 * stored it, into @dacl. */
BOOL  pc_npipe_query_dacl          (HANDLE        handle,
                                    PcNpipeDacl  *dacl,
                                    PcNpipeError *error);

/* The current process user's SID as a string, in @buf. */
BOOL  pc_npipe_current_user_sid    (char         *buf,
                                    size_t        size,
                                    PcNpipeError *error);

/* The rights each ACE grants: the user everything a client and the server
 * need (including FILE_CREATE_PIPE_INSTANCE, to add instances);
 * Authenticated Users read and write but not FILE_CREATE_PIPE_INSTANCE, so
 * they cannot add instances of their own and answer our clients. */
#define PC_NPIPE_USER_RIGHTS (GENERIC_READ | GENERIC_WRITE)
#define PC_NPIPE_REMOTE_RIGHTS \
  ((FILE_GENERIC_READ | FILE_GENERIC_WRITE) & ~(DWORD) FILE_CREATE_PIPE_INSTANCE)

/* ---- The client --------------------------------------------------------- */

/* Returns nonzero when the caller gave up; polled between waits. */
typedef int (*PcNpipeCancelFunc) (void *data);

/* Opens \\@host\pipe\@name with CreateFileW (overlapped, read/write, at
 * most identification-level impersonation for the server). While every
 * instance is busy it waits with WaitNamedPipeW, in slices so that
 * @cancelled (may be NULL) is polled, until @timeout_ms has passed.
 * Blocks: call it from a worker thread. Returns the handle, or
 * INVALID_HANDLE_VALUE with @error set. */
HANDLE pc_npipe_connect            (const char        *host,
                                    const char        *name,
                                    DWORD              timeout_ms,
                                    PcNpipeCancelFunc  cancelled,
                                    void              *cancel_data,
                                    PcNpipeError      *error);

/* A short description of the client of a server instance for logs:
 * "pid 4242", "pid 4242 on HOST", or "local". */
void  pc_npipe_describe_client     (HANDLE  instance,
                                    char   *buf,
                                    size_t  size);

/* Whom the server counts the client of @instance against for its
 * per-user limits: "sid:S-1-5-21-…", the user of the client process (its
 * token, through GetNamedPipeClientProcessId); "host:NAME" for a client on
 * another machine; "unknown" when neither can be had (the process is gone
 * or may not be queried). */
void  pc_npipe_client_account      (HANDLE  instance,
                                    char   *buf,
                                    size_t  size);

/* ---- Blocking I/O on overlapped handles (tests and tools) --------------- */

/* Reads what is there, at most @size bytes, waiting for at least one.
 * Returns the count, 0 at the end (the other side closed), -1 on error. */
long  pc_npipe_read                (HANDLE        handle,
                                    void         *buf,
                                    DWORD         size,
                                    PcNpipeError *error);

/* Writes all @size bytes. */
BOOL  pc_npipe_write_all           (HANDLE        handle,
                                    const void   *buf,
                                    DWORD         size,
                                    PcNpipeError *error);

#ifdef __cplusplus
}
#endif
