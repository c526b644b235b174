/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-npipe-win32.h"

#include <aclapi.h>
#include <sddl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long one WaitNamedPipeW may last while a client waits for a free
 * instance, so that a cancellation is seen within that time. */
#define WAIT_SLICE_MS 100

struct _PcNpipeServer
{
  wchar_t            *path;       /* \\.\pipe\NAME */
  char               *name;       /* NAME, UTF-8, for messages */
  BOOL                allow_remote;
  PSECURITY_DESCRIPTOR sd;        /* one allocation: descriptor, ACL, SIDs */
  SECURITY_ATTRIBUTES sa;
  HANDLE              waiting;    /* the instance waiting for a client, or NULL */
  BOOL                connected;  /* a client has connected to it */
  OVERLAPPED          overlapped; /* the ConnectNamedPipe in flight */
  HANDLE              event;      /* overlapped.hEvent, manual-reset */
  PcNpipeCreateFlags  flags;
};

/* ---- Errors ------------------------------------------------------------- */

void
pc_npipe_format_system_message (DWORD   code,
                                char   *buf,
                                size_t  size)
{
  wchar_t wide[512];
  DWORD n;
  int written;
  size_t len;

  if (size == 0)
    return;
  buf[0] = '\0';
  n = FormatMessageW (FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                      NULL, code, 0, wide, sizeof wide / sizeof wide[0], NULL);
  written = n == 0 ? 0 : WideCharToMultiByte (CP_UTF8, 0, wide, (int) n, buf,
                                               (int) size - 1, NULL, NULL);
  if (written <= 0)
    {
      snprintf (buf, size, "Win32 error %lu", (unsigned long) code);
      return;
    }
  buf[written] = '\0';
  /* FormatMessage ends its sentences with ".\r\n"; ours add to them. */
  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'
                     || buf[len - 1] == ' ' || buf[len - 1] == '.'))
    buf[--len] = '\0';
}

BOOL
pc_npipe_fail (PcNpipeError   *error,
               PcNpipeFailure  failure,
               DWORD           code,
               const char     *format,
               ...)
{
  va_list args;
  size_t len;

  if (error == NULL)
    return FALSE;
  error->failure = failure;
  error->code = code;
  error->system[0] = '\0';
  if (code != 0)
    pc_npipe_format_system_message (code, error->system, sizeof error->system);
  va_start (args, format);
  vsnprintf (error->message, sizeof error->message, format, args);
  va_end (args);
  error->message[sizeof error->message - 1] = '\0';
  len = strlen (error->message);
  if (code != 0 && len < sizeof error->message)
    snprintf (error->message + len, sizeof error->message - len, ": %s", error->system);
  return FALSE;
}

static void
clear_error (PcNpipeError *error)
{
  if (error == NULL)
    return;
  error->failure = PC_NPIPE_OK;
  error->code = 0;
  error->system[0] = '\0';
  error->message[0] = '\0';
}

/* ---- Names -------------------------------------------------------------- */

/* @text as a new UTF-16 string, or NULL when it is not valid UTF-8. */
static wchar_t *
utf8_to_wide (const char *text)
{
  int n = MultiByteToWideChar (CP_UTF8, MB_ERR_INVALID_CHARS, text, -1, NULL, 0);
  wchar_t *wide;

  if (n <= 0)
    return NULL;
  wide = calloc ((size_t) n, sizeof *wide);
  if (wide == NULL)
    return NULL;
  if (MultiByteToWideChar (CP_UTF8, MB_ERR_INVALID_CHARS, text, -1, wide, n) != n)
    {
      free (wide);
      return NULL;
    }
  return wide;
}

BOOL
pc_npipe_check_name (const char   *name,
                     PcNpipeError *error)
{
  wchar_t *wide;
  size_t characters = 0;
  BOOL ok = TRUE;

  clear_error (error);
  if (name == NULL || name[0] == '\0')
    return pc_npipe_fail (error, PC_NPIPE_FAIL_NAME_EMPTY, 0, "The pipe name is empty");
  wide = utf8_to_wide (name);
  if (wide == NULL)
    return pc_npipe_fail (error, PC_NPIPE_FAIL_NAME_ENCODING, 0,
                          "The pipe name is not valid UTF-8");
  for (const wchar_t *c = wide; *c != L'\0'; c++)
    {
      /* A character outside the BMP is two UTF-16 units, one character. */
      if (*c < 0xDC00 || *c > 0xDFFF)
        characters++;
      if (*c == L'/' || *c == L'\\' || *c < 0x20 || *c == 0x7F)
        {
          ok = pc_npipe_fail (error, PC_NPIPE_FAIL_NAME_CHARACTER, 0,
                              "The pipe name “%s” contains a slash, a backslash "
                              "or a control character", name);
          break;
        }
    }
  free (wide);
  if (ok && characters > PC_NPIPE_NAME_MAX)
    ok = pc_npipe_fail (error, PC_NPIPE_FAIL_NAME_TOO_LONG, 0,
                        "The pipe name has %lu characters, more than the %d allowed",
                        (unsigned long) characters, PC_NPIPE_NAME_MAX);
  return ok;
}

wchar_t *
pc_npipe_path_new (const char   *host,
                   const char   *name,
                   PcNpipeError *error)
{
  wchar_t *whost;
  wchar_t *wname;
  wchar_t *path = NULL;
  size_t size;

  if (!pc_npipe_check_name (name, error))
    return NULL;
  if (host == NULL || host[0] == '\0' || strpbrk (host, "/\\") != NULL)
    {
      pc_npipe_fail (error, PC_NPIPE_FAIL_HOST, 0,
                     "The host “%s” is empty or contains a slash", host ? host : "");
      return NULL;
    }
  whost = utf8_to_wide (host);
  wname = utf8_to_wide (name);
  if (whost == NULL || wname == NULL)
    pc_npipe_fail (error, PC_NPIPE_FAIL_HOST, 0, "The host name is not valid UTF-8");
  else
    {
      size = wcslen (whost) + wcslen (wname) + 10;
      path = calloc (size, sizeof *path);
      if (path != NULL)
        _snwprintf (path, size, L"\\\\%ls\\pipe\\%ls", whost, wname);
    }
  free (whost);
  free (wname);
  return path;
}

/* ---- Security ----------------------------------------------------------- */

BOOL
pc_npipe_current_user_sid (char         *buf,
                           size_t        size,
                           PcNpipeError *error)
{
  HANDLE token = NULL;
  union { TOKEN_USER user; BYTE bytes[sizeof (TOKEN_USER) + SECURITY_MAX_SID_SIZE]; } info;
  DWORD len = 0;
  char *text = NULL;

  if (!OpenProcessToken (GetCurrentProcess (), TOKEN_QUERY, &token))
    return pc_npipe_fail (error, PC_NPIPE_FAIL_SECURITY, GetLastError (),
                          "Cannot open the process token");
  if (!GetTokenInformation (token, TokenUser, &info, sizeof info, &len))
    {
      DWORD code = GetLastError ();

      CloseHandle (token);
      return pc_npipe_fail (error, PC_NPIPE_FAIL_SECURITY, code,
                            "Cannot read the process token's user");
    }
  CloseHandle (token);
  if (!ConvertSidToStringSidA (info.user.User.Sid, &text))
    return pc_npipe_fail (error, PC_NPIPE_FAIL_SECURITY, GetLastError (),
                          "Cannot write the user's SID as text");
  snprintf (buf, size, "%s", text);
  LocalFree (text);
  return TRUE;
}

/* A security descriptor whose DACL allows the token's user everything a
 * server and a client need and, with @allow_remote, lets Authenticated
 * Users (S-1-5-11: any account that logged on, never an anonymous or
 * guest logon) read and write. Nobody else: a DACL that does not name
 * somebody denies them. One block of memory (free() it) holding the
 * descriptor, the ACL and the SIDs, which the descriptor points into. */
static PSECURITY_DESCRIPTOR
security_descriptor_new (BOOL          allow_remote,
                         PcNpipeError *error)
{
  HANDLE token = NULL;
  union { TOKEN_USER user; BYTE bytes[sizeof (TOKEN_USER) + SECURITY_MAX_SID_SIZE]; } info;
  BYTE authenticated[SECURITY_MAX_SID_SIZE];
  DWORD len = 0;
  DWORD authenticated_len = sizeof authenticated;
  DWORD acl_size;
  BYTE *block;
  SECURITY_DESCRIPTOR *sd;
  ACL *acl;
  DWORD code;

  if (!OpenProcessToken (GetCurrentProcess (), TOKEN_QUERY, &token))
    {
      pc_npipe_fail (error, PC_NPIPE_FAIL_SECURITY, GetLastError (),
                     "Cannot open the process token");
      return NULL;
    }
  if (!GetTokenInformation (token, TokenUser, &info, sizeof info, &len))
    {
      code = GetLastError ();
      CloseHandle (token);
      pc_npipe_fail (error, PC_NPIPE_FAIL_SECURITY, code,
                     "Cannot read the process token's user");
      return NULL;
    }
  CloseHandle (token);
  if (!CreateWellKnownSid (WinAuthenticatedUserSid, NULL, authenticated,
                           &authenticated_len))
    {
      pc_npipe_fail (error, PC_NPIPE_FAIL_SECURITY, GetLastError (),
                     "Cannot make the Authenticated Users SID");
      return NULL;
    }

  acl_size = sizeof (ACL)
             + sizeof (ACCESS_ALLOWED_ACE) - sizeof (DWORD)
             + GetLengthSid (info.user.User.Sid);
  if (allow_remote)
    acl_size += sizeof (ACCESS_ALLOWED_ACE) - sizeof (DWORD) + authenticated_len;
  acl_size = (acl_size + 3) & ~(DWORD) 3;

  block = calloc (1, sizeof (SECURITY_DESCRIPTOR) + acl_size);
  if (block == NULL)
    {
      pc_npipe_fail (error, PC_NPIPE_FAIL_SECURITY, ERROR_NOT_ENOUGH_MEMORY,
                     "Cannot build the pipe's security descriptor");
      return NULL;
    }
  sd = (SECURITY_DESCRIPTOR *) block;
  acl = (ACL *) (block + sizeof (SECURITY_DESCRIPTOR));

  /* AddAccessAllowedAce copies the SIDs into the ACL, so the token's
   * buffer may go away afterwards. */
  if (!InitializeSecurityDescriptor (sd, SECURITY_DESCRIPTOR_REVISION)
      || !InitializeAcl (acl, acl_size, ACL_REVISION)
      || !AddAccessAllowedAce (acl, ACL_REVISION, PC_NPIPE_USER_RIGHTS,
                               info.user.User.Sid)
      || (allow_remote
          && !AddAccessAllowedAce (acl, ACL_REVISION, PC_NPIPE_REMOTE_RIGHTS,
                                   authenticated))
      || !SetSecurityDescriptorDacl (sd, TRUE, acl, FALSE))
    {
      code = GetLastError ();
      free (block);
      pc_npipe_fail (error, PC_NPIPE_FAIL_SECURITY, code,
                     "Cannot build the pipe's security descriptor");
      return NULL;
    }
  return sd;
}

BOOL
pc_npipe_query_dacl (HANDLE        handle,
                     PcNpipeDacl  *dacl,
                     PcNpipeError *error)
{
  PSECURITY_DESCRIPTOR sd = NULL;
  PACL acl = NULL;
  BOOL present = FALSE;
  BOOL defaulted = FALSE;
  DWORD code;
  ACL_SIZE_INFORMATION size_info;

  memset (dacl, 0, sizeof *dacl);
  code = GetSecurityInfo (handle, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION,
                          NULL, NULL, NULL, NULL, &sd);
  if (code != ERROR_SUCCESS)
    return pc_npipe_fail (error, PC_NPIPE_FAIL_SECURITY, code,
                          "Cannot read the pipe's security descriptor");
  if (!GetSecurityDescriptorDacl (sd, &present, &acl, &defaulted))
    {
      code = GetLastError ();
      LocalFree (sd);
      return pc_npipe_fail (error, PC_NPIPE_FAIL_SECURITY, code,
                            "Cannot read the pipe's DACL");
    }
  dacl->present = present;
  dacl->null_dacl = present && acl == NULL;
  if (acl != NULL && GetAclInformation (acl, &size_info, sizeof size_info,
                                        AclSizeInformation))
    {
      dacl->count = (int) size_info.AceCount;
      for (DWORD i = 0; i < size_info.AceCount && i < 8; i++)
        {
          ACE_HEADER *header = NULL;
          PcNpipeAce *out = &dacl->aces[i];
          char *text = NULL;

          if (!GetAce (acl, i, (void **) &header))
            continue;
          out->type = header->AceType;
          /* Allowed and denied ACEs share this layout. */
          if (header->AceType == ACCESS_ALLOWED_ACE_TYPE
              || header->AceType == ACCESS_DENIED_ACE_TYPE)
            {
              ACCESS_ALLOWED_ACE *ace = (ACCESS_ALLOWED_ACE *) header;

              out->mask = ace->Mask;
              if (ConvertSidToStringSidA ((PSID) &ace->SidStart, &text))
                {
                  snprintf (out->sid, sizeof out->sid, "%s", text);
                  LocalFree (text);
                }
            }
        }
    }
  LocalFree (sd);
  return TRUE;
}

/* ---- The server --------------------------------------------------------- */

/* Starts waiting for a client on the new instance; a client that came
 * between CreateNamedPipeW and here is there already, and one that came
 * and left must be disconnected before the instance can serve another. */
static BOOL
start_waiting (PcNpipeServer *server,
               PcNpipeError  *error)
{
  for (int tries = 0; tries < 4; tries++)
    {
      DWORD code;

      ResetEvent (server->event);
      memset (&server->overlapped, 0, sizeof server->overlapped);
      server->overlapped.hEvent = server->event;
      if (ConnectNamedPipe (server->waiting, &server->overlapped))
        code = ERROR_PIPE_CONNECTED;
      else
        code = GetLastError ();

      switch (code)
        {
        case ERROR_IO_PENDING:
          return TRUE;
        case ERROR_PIPE_CONNECTED:
          server->connected = TRUE;
          SetEvent (server->event);
          return TRUE;
        case ERROR_NO_DATA:
          DisconnectNamedPipe (server->waiting);
          continue;
        default:
          return pc_npipe_fail (error, PC_NPIPE_FAIL_ACCEPT, code,
                                "Cannot wait for clients on the pipe %s", server->name);
        }
    }
  return pc_npipe_fail (error, PC_NPIPE_FAIL_ACCEPT, ERROR_NO_DATA,
                        "Cannot wait for clients on the pipe %s", server->name);
}

/* Creates an instance and starts waiting on it. On failure the server has
 * no waiting instance and its event is left signalled, so that whoever
 * waits on it calls pc_npipe_server_accept() again, which retries. */
static BOOL
new_instance (PcNpipeServer *server,
              BOOL           first,
              PcNpipeError  *error)
{
  /* Byte mode: the protocol frames by newlines, and its readers rebuild
   * lines from any chunking; see docs/transports.md for why not messages. */
  DWORD open_mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED
                    | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
  DWORD pipe_mode = PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT
                    | (server->allow_remote ? 0 : PIPE_REJECT_REMOTE_CLIENTS);
  HANDLE handle;

  server->connected = FALSE;
  server->flags.open_mode = open_mode;
  server->flags.pipe_mode = pipe_mode;
  server->flags.max_instances = PIPE_UNLIMITED_INSTANCES;
  if (first)
    {
      server->flags.first_open_mode = open_mode;
      server->flags.first_pipe_mode = pipe_mode;
    }
  handle = CreateNamedPipeW (server->path, open_mode, pipe_mode,
                             PIPE_UNLIMITED_INSTANCES, PC_NPIPE_BUFFER_SIZE,
                             PC_NPIPE_BUFFER_SIZE, 0, &server->sa);
  if (handle == INVALID_HANDLE_VALUE)
    {
      DWORD code = GetLastError ();

      SetEvent (server->event);
      /* With FILE_FLAG_FIRST_PIPE_INSTANCE, any existing instance of the
       * name, whoever made it, gives ERROR_ACCESS_DENIED. */
      if (first && (code == ERROR_ACCESS_DENIED || code == ERROR_PIPE_BUSY))
        return pc_npipe_fail (error, PC_NPIPE_FAIL_IN_USE, code,
                              "Another program already has the pipe %s", server->name);
      return pc_npipe_fail (error, PC_NPIPE_FAIL_CREATE, code,
                            "Cannot create the pipe %s", server->name);
    }
  server->waiting = handle;
  if (!start_waiting (server, error))
    {
      CloseHandle (server->waiting);
      server->waiting = NULL;
      SetEvent (server->event);
      return FALSE;
    }
  return TRUE;
}

/* Whether some instance of @path exists, without connecting to it. */
static BOOL
pipe_exists (const wchar_t *path)
{
  if (WaitNamedPipeW (path, 1))
    return TRUE;
  return GetLastError () != ERROR_FILE_NOT_FOUND;
}

PcNpipeServer *
pc_npipe_server_new (const char                 *name,
                     const PcNpipeServerOptions *options,
                     PcNpipeError               *error)
{
  PcNpipeServer *server;

  clear_error (error);
  server = calloc (1, sizeof *server);
  if (server == NULL)
    {
      pc_npipe_fail (error, PC_NPIPE_FAIL_CREATE, ERROR_NOT_ENOUGH_MEMORY,
                     "Cannot create the pipe %s", name);
      return NULL;
    }
  server->allow_remote = options != NULL && options->allow_remote;
  server->path = pc_npipe_path_new (".", name, error);
  server->name = _strdup (name != NULL ? name : "");
  if (server->path == NULL || server->name == NULL)
    goto fail;
  server->sd = security_descriptor_new (server->allow_remote, error);
  if (server->sd == NULL)
    goto fail;
  server->sa.nLength = sizeof server->sa;
  server->sa.lpSecurityDescriptor = server->sd;
  server->sa.bInheritHandle = FALSE;
  server->event = CreateEventW (NULL, TRUE, FALSE, NULL);
  if (server->event == NULL)
    {
      pc_npipe_fail (error, PC_NPIPE_FAIL_CREATE, GetLastError (),
                     "Cannot create the pipe %s", name);
      goto fail;
    }

  /* FILE_FLAG_FIRST_PIPE_INSTANCE makes Windows refuse a name that exists,
   * atomically. wine ignores it, so a name that is there already (a live
   * server, every instance busy or not) is refused first. */
  if (pipe_exists (server->path))
    {
      pc_npipe_fail (error, PC_NPIPE_FAIL_IN_USE, 0,
                     "Another program already has the pipe %s", name);
      goto fail;
    }
  if (!new_instance (server, TRUE, error))
    goto fail;
  return server;

fail:
  pc_npipe_server_free (server);
  return NULL;
}

HANDLE
pc_npipe_server_get_event (PcNpipeServer *server)
{
  return server->event;
}

HANDLE
pc_npipe_server_get_waiting_handle (PcNpipeServer *server)
{
  return server->waiting;
}

void
pc_npipe_server_get_create_flags (PcNpipeServer      *server,
                                  PcNpipeCreateFlags *flags)
{
  *flags = server->flags;
}

PcNpipeAcceptResult
pc_npipe_server_accept (PcNpipeServer *server,
                        HANDLE        *client,
                        PcNpipeError  *error)
{
  clear_error (error);
  *client = INVALID_HANDLE_VALUE;

  if (server->waiting == NULL)
    return new_instance (server, FALSE, error) ? PC_NPIPE_ACCEPT_NONE
                                                : PC_NPIPE_ACCEPT_FAILED;

  if (!server->connected)
    {
      DWORD unused = 0;

      if (WaitForSingleObject (server->event, 0) != WAIT_OBJECT_0)
        return PC_NPIPE_ACCEPT_NONE;
      if (!GetOverlappedResult (server->waiting, &server->overlapped, &unused, FALSE))
        {
          DWORD code = GetLastError ();

          if (code == ERROR_IO_INCOMPLETE)
            return PC_NPIPE_ACCEPT_NONE;
          /* The instance is spoilt; the next call makes another. */
          CloseHandle (server->waiting);
          server->waiting = NULL;
          SetEvent (server->event);
          pc_npipe_fail (error, PC_NPIPE_FAIL_ACCEPT, code,
                         "Cannot accept a client on the pipe %s", server->name);
          return PC_NPIPE_ACCEPT_FAILED;
        }
    }

  *client = server->waiting;
  server->waiting = NULL;
  /* Should this fail, the event stays set and the next call retries; the
   * client just accepted is served all the same. */
  new_instance (server, FALSE, NULL);
  return PC_NPIPE_ACCEPT_CLIENT;
}

void
pc_npipe_server_free (PcNpipeServer *server)
{
  if (server == NULL)
    return;
  if (server->waiting != NULL)
    {
      /* Closing the handle ends the pending ConnectNamedPipe; wait for it
       * to finish so that the system no longer writes to @overlapped. */
      CancelIoEx (server->waiting, &server->overlapped);
      if (!server->connected)
        {
          DWORD unused;

          GetOverlappedResult (server->waiting, &server->overlapped, &unused, TRUE);
        }
      CloseHandle (server->waiting);
    }
  if (server->event != NULL)
    CloseHandle (server->event);
  free (server->sd);
  free (server->path);
  free (server->name);
  free (server);
}

/* ---- The client --------------------------------------------------------- */

static PcNpipeFailure
connect_failure (DWORD code)
{
  switch (code)
    {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
      return PC_NPIPE_FAIL_NOT_FOUND;
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
    case ERROR_NETNAME_DELETED:
    case ERROR_NETWORK_UNREACHABLE:
    case ERROR_HOST_UNREACHABLE:
    case ERROR_REM_NOT_LIST:
    case ERROR_UNEXP_NET_ERR:
      return PC_NPIPE_FAIL_HOST_UNREACHABLE;
    case ERROR_ACCESS_DENIED:
    case ERROR_LOGON_FAILURE:
      return PC_NPIPE_FAIL_ACCESS_DENIED;
    default:
      return PC_NPIPE_FAIL_CONNECT;
    }
}

HANDLE
pc_npipe_connect (const char        *host,
                  const char        *name,
                  DWORD              timeout_ms,
                  PcNpipeCancelFunc  cancelled,
                  void              *cancel_data,
                  PcNpipeError      *error)
{
  wchar_t *path;
  ULONGLONG deadline;
  HANDLE handle = INVALID_HANDLE_VALUE;

  clear_error (error);
  path = pc_npipe_path_new (host, name, error);
  if (path == NULL)
    return INVALID_HANDLE_VALUE;
  deadline = GetTickCount64 () + timeout_ms;

  for (;;)
    {
      DWORD code;
      ULONGLONG now;

      if (cancelled != NULL && cancelled (cancel_data))
        {
          pc_npipe_fail (error, PC_NPIPE_FAIL_CANCELLED, 0,
                         "Connecting to the pipe %s was cancelled", name);
          break;
        }
      /* SECURITY_IDENTIFICATION: a server may learn who we are, but never
       * act as us, should the pipe belong to somebody else. */
      handle = CreateFileW (path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                            FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT
                            | SECURITY_IDENTIFICATION, NULL);
      if (handle != INVALID_HANDLE_VALUE)
        break;
      code = GetLastError ();
      if (code != ERROR_PIPE_BUSY)
        {
          pc_npipe_fail (error, connect_failure (code), code,
                         "Cannot connect to the pipe %s on %s", name, host);
          break;
        }

      /* Every instance is busy: the server makes a new one as soon as it
       * accepts; wait for it, a slice at a time. */
      now = GetTickCount64 ();
      if (now >= deadline)
        {
          pc_npipe_fail (error, PC_NPIPE_FAIL_TIMED_OUT, ERROR_PIPE_BUSY,
                         "Every instance of the pipe %s on %s stayed busy for %lu ms",
                         name, host, (unsigned long) timeout_ms);
          break;
        }
      if (!WaitNamedPipeW (path, (DWORD) min (deadline - now, WAIT_SLICE_MS)))
        {
          code = GetLastError ();
          if (code != ERROR_SEM_TIMEOUT && code != ERROR_PIPE_BUSY)
            {
              pc_npipe_fail (error, connect_failure (code), code,
                             "Cannot connect to the pipe %s on %s", name, host);
              break;
            }
        }
    }
  free (path);
  return handle;
}

/* wine's ntdll exports this; Windows' does not. */
static BOOL
running_on_wine (void)
{
  HMODULE ntdll = GetModuleHandleW (L"ntdll.dll");

  return ntdll != NULL && GetProcAddress (ntdll, "wine_get_version") != NULL;
}

void
pc_npipe_describe_client (HANDLE  instance,
                          char   *buf,
                          size_t  size)
{
  ULONG pid = 0;
  wchar_t computer[256];

  if (!GetNamedPipeClientProcessId (instance, &pid))
    {
      snprintf (buf, size, "local");
      return;
    }
  /* Succeeds only for a client on another machine. wine has only a stub
   * of it, which must not be called. */
  if (!running_on_wine ()
      && GetNamedPipeClientComputerNameW (instance, computer, sizeof computer))
    {
      char host[256] = "";

      WideCharToMultiByte (CP_UTF8, 0, computer, -1, host, sizeof host - 1, NULL, NULL);
      snprintf (buf, size, "pid %lu on %s", (unsigned long) pid, host);
      return;
    }
  snprintf (buf, size, "pid %lu", (unsigned long) pid);
}

void
pc_npipe_client_account (HANDLE  instance,
                         char   *buf,
                         size_t  size)
{
  union
  {
    TOKEN_USER user;
    BYTE       bytes[256];
  } info;
  ULONG pid = 0;
  HANDLE process = NULL;
  HANDLE token = NULL;
  DWORD len = 0;
  char *sid = NULL;
  wchar_t computer[256];

  snprintf (buf, size, "unknown");
  if (!running_on_wine ()
      && GetNamedPipeClientComputerNameW (instance, computer, sizeof computer))
    {
      char host[256] = "";

      WideCharToMultiByte (CP_UTF8, 0, computer, -1, host, sizeof host - 1, NULL, NULL);
      snprintf (buf, size, "host:%s", host);
      return;
    }
  if (!GetNamedPipeClientProcessId (instance, &pid))
    return;
  process = OpenProcess (PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (process == NULL)
    return;
  if (OpenProcessToken (process, TOKEN_QUERY, &token)
      && GetTokenInformation (token, TokenUser, &info, sizeof info, &len)
      && ConvertSidToStringSidA (info.user.User.Sid, &sid))
    snprintf (buf, size, "sid:%s", sid);
  if (sid != NULL)
    LocalFree (sid);
  if (token != NULL)
    CloseHandle (token);
  CloseHandle (process);
}

/* ---- Blocking I/O on overlapped handles --------------------------------- */

/* Waits for the overlapped operation started on @handle; returns its byte
 * count in @n. */
static BOOL
finish_overlapped (HANDLE      handle,
                   OVERLAPPED *overlapped,
                   BOOL        started,
                   DWORD      *n)
{
  if (!started && GetLastError () != ERROR_IO_PENDING)
    return FALSE;
  return GetOverlappedResult (handle, overlapped, n, TRUE);
}

long
pc_npipe_read (HANDLE        handle,
               void         *buf,
               DWORD         size,
               PcNpipeError *error)
{
  OVERLAPPED overlapped = { 0 };
  DWORD n = 0;
  BOOL ok;
  DWORD code = 0;

  overlapped.hEvent = CreateEventW (NULL, TRUE, FALSE, NULL);
  if (overlapped.hEvent == NULL)
    {
      pc_npipe_fail (error, PC_NPIPE_FAIL_IO, GetLastError (), "Cannot read from the pipe");
      return -1;
    }
  ok = finish_overlapped (handle, &overlapped,
                          ReadFile (handle, buf, size, NULL, &overlapped), &n);
  if (!ok)
    code = GetLastError ();
  CloseHandle (overlapped.hEvent);
  if (ok)
    return (long) n;
  /* The other end closed: the end of the stream, not an error. */
  if (code == ERROR_BROKEN_PIPE || code == ERROR_PIPE_NOT_CONNECTED
      || code == ERROR_HANDLE_EOF)
    return 0;
  pc_npipe_fail (error, PC_NPIPE_FAIL_IO, code, "Cannot read from the pipe");
  return -1;
}

BOOL
pc_npipe_write_all (HANDLE        handle,
                    const void   *buf,
                    DWORD         size,
                    PcNpipeError *error)
{
  OVERLAPPED overlapped = { 0 };
  const BYTE *p = buf;
  BOOL ok = TRUE;

  overlapped.hEvent = CreateEventW (NULL, TRUE, FALSE, NULL);
  if (overlapped.hEvent == NULL)
    return pc_npipe_fail (error, PC_NPIPE_FAIL_IO, GetLastError (), "Cannot write to the pipe");
  while (ok && size > 0)
    {
      DWORD n = 0;

      ResetEvent (overlapped.hEvent);
      ok = finish_overlapped (handle, &overlapped,
                              WriteFile (handle, p, size, NULL, &overlapped), &n);
      if (!ok)
        {
          DWORD code = GetLastError ();

          pc_npipe_fail (error,
                         code == ERROR_NO_DATA || code == ERROR_BROKEN_PIPE
                         ? PC_NPIPE_FAIL_CLOSED : PC_NPIPE_FAIL_IO,
                         code, "Cannot write to the pipe");
        }
      p += n;
      size -= n;
    }
  CloseHandle (overlapped.hEvent);
  return ok;
}
