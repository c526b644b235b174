/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */

/* A client that trusts only its own server: the default folder checked
 * as the server checks it, the server's uid over a unix socket, the
 * request FIFO's owner and folder, and a relative XDG_RUNTIME_DIR
 * ignored. Each case runs the real pipecalc-cli, as a user would. */

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#ifdef __linux__
#endif
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pc-test-util.h"

/* The uid the tests run foreign servers as when they are root. */
#define NOBODY 65534

typedef struct
{
  char *tmp;      /* what the CLI gets as TMPDIR, removed at the end */
  char *folder;   /* $TMPDIR/pipecalc-UID, the CLI's fallback folder */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("pipecalc-%lu", (unsigned long) getuid ());

  fixture->tmp = g_dir_make_tmp ("pipecalc-trust-XXXXXX", &error);
  g_assert_no_error (error);
  /* Others must reach what a foreign server makes in it. */
  g_assert_cmpint (g_chmod (fixture->tmp, 0755), ==, 0);
  fixture->folder = g_build_filename (fixture->tmp, name, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  pc_test_remove_tree (fixture->tmp);
  g_free (fixture->folder);
  g_free (fixture->tmp);
}

/* Runs pipecalc-cli ARGS… 1+1 with XDG_RUNTIME_DIR unset (empty) and
 * TMPDIR=@tmp, in @cwd. Returns its exit status. */
static int
run_cli (const char          *tmp,
         const char          *cwd,
         const char * const  *args,
         char               **out,
         char               **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", "", TRUE);
  g_subprocess_launcher_setenv (launcher, "TMPDIR", tmp, TRUE);
  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  g_strv_builder_add (builder, pc_test_cli_path ());
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_strv_builder_add (builder, args[i]);
  g_strv_builder_add (builder, "1+1");
  argv = g_strv_builder_end (builder);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (g_subprocess_get_exit_status (process) == 66)
    g_printerr ("pipecalc-cli exited 66, its standard error:\n%s", *err);
  return g_subprocess_get_exit_status (process);
}

/* A server at @folder/socket, which is not its own runtime folder. */
static PcTestServer *
start_server_in (const char *folder)
{
  g_autofree char *address = g_strconcat ("unix:", folder, "/socket", NULL);

  return pc_test_server_start (address, NULL);
}

static void
assert_refused (Fixture    *fixture,
                const char *must_say)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = run_cli (fixture->tmp, NULL, NULL, &out, &err);

  g_test_message ("pipecalc-cli said: %s", err);
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, fixture->folder));
  g_assert_nonnull (strstr (err, must_say));
}

/* Another user may create $TMPDIR/pipecalc-UID first, open to others, and
 * listen in it: the client must not talk to that server. */
static void
test_folder_open_to_others (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(PcTestServer) server = NULL;

  g_assert_cmpint (g_mkdir (fixture->folder, 0700), ==, 0);
  server = start_server_in (fixture->folder);
  g_assert_cmpint (g_chmod (fixture->folder, 0755), ==, 0);
  assert_refused (fixture, "0755");
  pc_test_server_stop (server);
}

static void
test_folder_symlink (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *real = g_build_filename (fixture->tmp, "elsewhere", NULL);
  g_autoptr(PcTestServer) server = NULL;

  g_assert_cmpint (g_mkdir (real, 0700), ==, 0);
  server = start_server_in (real);
  g_assert_cmpint (symlink (real, fixture->folder), ==, 0);
  assert_refused (fixture, "symbolic link");
  pc_test_server_stop (server);
}

static void
test_folder_other_user (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(PcTestServer) server = NULL;

  if (getuid () != 0)
    {
      g_test_skip ("Only root can give a folder to another user; run the tests as root");
      return;
    }
  g_assert_cmpint (g_mkdir (fixture->folder, 0700), ==, 0);
  server = start_server_in (fixture->folder);
  g_assert_cmpint (chown (fixture->folder, NOBODY, NOBODY), ==, 0);
  assert_refused (fixture, "uid 65534");
  pc_test_server_stop (server);
}

/* The folder being ours is no proof when the socket path is elsewhere:
 * the server's uid, from the kernel, is. */
static void
test_server_uid (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (fixture->tmp, "theirs", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "socket", NULL);
  g_autofree char *address = g_strconcat ("unix:", socket_path, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  const char *plain[] = { "-c", address, NULL };
  const char *allowed[] = { "-c", address, "--allow-server-uid", "65534", NULL };

  if (getuid () != 0)
    {
      g_test_skip ("Only root can start a server as another user (setpriv); run the tests as root");
      return;
    }
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_cmpint (chown (dir, NOBODY, NOBODY), ==, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, pc_test_die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", dir, TRUE);
  /* Sanitizer reports of the server would go nowhere: leave them out. */
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
  server = g_subprocess_launcher_spawn (launcher, &error, "setpriv",
                                        "--reuid=65534", "--regid=65534", "--clear-groups",
                                        pc_test_server_path (), "--listen", address, NULL);
  g_assert_no_error (error);
  while (!g_file_test (socket_path, G_FILE_TEST_EXISTS))
    {
      g_assert_nonnull (g_subprocess_get_identifier (server));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }

  g_assert_cmpint (run_cli (fixture->tmp, NULL, plain, &out, &err), ==, 2);
  g_test_message ("pipecalc-cli said: %s", err);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "uid 65534"));
  g_assert_nonnull (strstr (err, "--allow-server-uid 65534"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture->tmp, NULL, allowed, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "2\n");

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
}

static char *
start_fifo_server (const char    *dir,
                   PcTestServer **server)
{
  g_autofree char *address = g_strconcat ("fifo:", dir, "/requests", NULL);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  *server = pc_test_server_start (address, NULL);
  return g_steal_pointer (&address);
}

/* Whoever may write to the request FIFO's folder may replace the FIFO. */
static void
test_fifo_folder (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->tmp, "fifo", NULL);
  g_autoptr(PcTestServer) server = NULL;
  g_autofree char *address = start_fifo_server (dir, &server);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "-c", address, NULL };

  g_assert_cmpint (run_cli (fixture->tmp, NULL, args, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "2\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (g_chmod (dir, 0777), ==, 0);
  g_assert_cmpint (run_cli (fixture->tmp, NULL, args, &out, &err), ==, 2);
  g_test_message ("pipecalc-cli said: %s", err);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, dir));
  g_assert_nonnull (strstr (err, "other users may write"));
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
  pc_test_server_stop (server);
}

static void
test_fifo_owner (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->tmp, "fifo", NULL);
  g_autofree char *fifo = g_build_filename (dir, "requests", NULL);
  g_autoptr(PcTestServer) server = NULL;
  g_autofree char *address = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "-c", NULL, NULL };

  if (getuid () != 0)
    {
      g_test_skip ("Only root can give a FIFO to another user; run the tests as root");
      return;
    }
  address = start_fifo_server (dir, &server);
  args[1] = address;
  g_assert_cmpint (chown (fifo, NOBODY, NOBODY), ==, 0);
  g_assert_cmpint (run_cli (fixture->tmp, NULL, args, &out, &err), ==, 2);
  g_test_message ("pipecalc-cli said: %s", err);
  g_assert_nonnull (strstr (err, "another user (uid 65534)"));
  pc_test_server_stop (server);
}

/* XDG: a relative path in XDG_RUNTIME_DIR is invalid and ignored, with a
 * warning, not used relative to wherever the program was started. */
static void
test_relative_runtime_dir (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cwd = g_build_filename (fixture->tmp, "cwd", NULL);
  g_autofree char *relative = g_build_filename (cwd, "relative", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (g_mkdir (cwd, 0700), ==, 0);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", "relative", TRUE);
  g_subprocess_launcher_setenv (launcher, "TMPDIR", fixture->tmp, TRUE);
  g_subprocess_launcher_set_cwd (launcher, cwd);
  process = g_subprocess_launcher_spawn (launcher, &error, pc_test_cli_path (), "1+1", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("pipecalc-cli said: %s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_cmpstr (out, ==, "2\n");
  g_assert_nonnull (strstr (err, "XDG_RUNTIME_DIR"));
  g_assert_nonnull (strstr (err, "relative"));
  /* The private server went to the fallback folder, not to ./relative. */
  g_assert_false (g_file_test (relative, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fixture->folder, G_FILE_TEST_IS_DIR));
}

/* ---- Token authentication (finding 6) ---------------------------------- */

#define TOKEN "correct horse battery staple"
#define AUTH_OK "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth\",\"params\":{\"token\":\"" TOKEN "\"}}"
#define AUTH_WRONG "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth\",\"params\":{\"token\":\"guess\"}}"
#define PING "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}"

static char *
write_token_file (const char *dir,
                  const char *name,
                  const char *content,
                  int         mode)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, content, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return g_steal_pointer (&path);
}

static PcTestServer *
start_auth_server (Fixture    *fixture,
                   const char *auth_timeout)
{
  g_autofree char *dir = g_build_filename (fixture->tmp, "server", NULL);
  g_autofree char *token = write_token_file (fixture->tmp, "server-token", TOKEN "\n", 0600);
  g_autofree char *address = g_strconcat ("unix:", dir, "/socket", NULL);
  const char *args[] = { "--auth-token-file", token, "--auth-timeout", auth_timeout, NULL };

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  return pc_test_server_start (address, args);
}

static void
test_auth_required (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(PcTestServer) server = start_auth_server (fixture, "30");
  g_autoptr(GIOStream) stream = pc_test_connect (server->address, NULL);
  g_autofree char *reply = NULL;

  g_assert_nonnull (stream);
  reply = pc_test_ask (stream, "1+1");
  g_assert_cmpstr (reply, ==, "error: Not authorized: this server requires an access "
                   "token; send the auth method first");
  g_free (reply);
  reply = pc_test_ask (stream, PING);
  g_assert_nonnull (strstr (reply, "\"id\":2,\"error\":{\"code\":1003,"));
  g_free (reply);
  reply = pc_test_ask (stream, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"vars\"}");
  g_assert_nonnull (strstr (reply, "\"code\":1003"));
  g_free (reply);
  reply = pc_test_ask (stream, AUTH_OK);
  g_assert_cmpstr (reply, ==, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":true}");
  g_free (reply);
  reply = pc_test_ask (stream, PING);
  g_assert_cmpstr (reply, ==, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"pong\"}");
  g_free (reply);
  reply = pc_test_ask (stream, "1+1");
  g_assert_cmpstr (reply, ==, "2");

  /* One line may authenticate and go on. */
  g_clear_object (&stream);
  stream = pc_test_connect (server->address, NULL);
  g_free (reply);
  reply = pc_test_ask (stream, "[" AUTH_OK "," PING "]");
  g_assert_cmpstr (reply, ==, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":true},"
                   "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"pong\"}]");

  /* Before authentication, batches are bounded as after it: one of more
   * than --max-batch calls is refused whole. */
  {
    g_autoptr(GString) batch = g_string_new ("[" AUTH_OK);

    g_clear_object (&stream);
    stream = pc_test_connect (server->address, NULL);
    for (int i = 0; i < 1000; i++)
      g_string_append (batch, "," PING);
    g_string_append_c (batch, ']');
    g_free (reply);
    reply = pc_test_ask (stream, batch->str);
    g_assert_nonnull (strstr (reply, "\"code\":1002"));
    g_assert_nonnull (strstr (reply, "\"limit\":\"batch\""));
  }
  pc_test_server_stop (server);
}

/* A wrong token is answered a second later, from a timer: another
 * session on the same worker thread is served meanwhile as fast as ever,
 * and the guesser gets its connection closed. */
static void
test_auth_wrong_token (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(PcTestServer) server = NULL;
  g_autoptr(GIOStream) guesser = NULL;
  g_autoptr(GIOStream) other = NULL;
  g_autofree char *reply = NULL;
  gint64 sent, other_took, guess_took;

  /* One worker (main() says so): both sessions share its thread. */
  server = start_auth_server (fixture, "30");
  guesser = pc_test_connect (server->address, NULL);
  other = pc_test_connect (server->address, NULL);
  reply = pc_test_ask (other, AUTH_OK);
  g_clear_pointer (&reply, g_free);

  sent = g_get_monotonic_time ();
  /* The ping after the guess is never answered: one try per connection. */
  pc_test_send (guesser, AUTH_WRONG "\n" PING "\n" AUTH_OK "\n");
  g_usleep (50 * 1000);
  reply = pc_test_ask (other, PING);
  other_took = g_get_monotonic_time () - sent;
  g_assert_cmpstr (reply, ==, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"pong\"}");
  g_clear_pointer (&reply, g_free);

  reply = pc_test_read_line (guesser);
  guess_took = g_get_monotonic_time () - sent;
  g_test_message ("the other session was answered after %" G_GINT64_FORMAT " ms, "
                  "the wrong token after %" G_GINT64_FORMAT " ms",
                  other_took / 1000, guess_took / 1000);
  g_assert_cmpstr (reply, ==, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1003,"
                   "\"message\":\"Not authorized: the token is wrong\"}}");
  g_assert_cmpint (guess_took, >=, 950 * 1000);
  g_assert_cmpint (other_took, <, 500 * 1000);
  g_clear_pointer (&reply, g_free);
  reply = pc_test_read_line (guesser);
  g_assert_null (reply);
  pc_test_server_stop (server);
}

static void
test_auth_deadline (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(PcTestServer) server = start_auth_server (fixture, "1");
  g_autoptr(GIOStream) idle = pc_test_connect (server->address, NULL);
  g_autoptr(GIOStream) authenticated = pc_test_connect (server->address, NULL);
  g_autofree char *reply = pc_test_ask (authenticated, AUTH_OK);
  gint64 start = g_get_monotonic_time ();
  gint64 took;

  g_clear_pointer (&reply, g_free);
  reply = pc_test_read_line (idle);
  took = g_get_monotonic_time () - start;
  g_test_message ("the idle unauthenticated connection was closed after %" G_GINT64_FORMAT
                  " ms", took / 1000);
  g_assert_null (reply);
  g_assert_cmpint (took, <, 5 * G_USEC_PER_SEC);
  /* The one that authenticated in time stays. */
  reply = pc_test_ask (authenticated, PING);
  g_assert_cmpstr (reply, ==, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"pong\"}");
  pc_test_server_stop (server);
}

static void
test_auth_token_files (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *open_token = write_token_file (fixture->tmp, "open", TOKEN, 0640);
  g_autofree char *empty = write_token_file (fixture->tmp, "empty", " \n", 0600);
  g_autofree char *good = write_token_file (fixture->tmp, "good", TOKEN "\n", 0600);
  g_autofree char *wrong = write_token_file (fixture->tmp, "wrong", "guess", 0600);
  g_autofree char *socket_path = g_build_filename (fixture->tmp, "s", NULL);
  g_autofree char *address = g_strconcat ("unix:", socket_path, NULL);
  g_autoptr(PcTestServer) server = NULL;
  const char *server_open[] = { pc_test_server_path (), "--listen", address,
                                "--auth-token-file", open_token, NULL };
  const char *server_empty[] = { pc_test_server_path (), "--listen", address,
                                 "--auth-token-file", empty, NULL };
  const char *cli_open[] = { "-c", NULL, "--token-file", open_token, NULL };
  const char *cli_none[] = { "-c", NULL, NULL };
  const char *cli_good[] = { "-c", NULL, "--token-file", good, NULL };
  const char *cli_wrong[] = { "-c", NULL, "--token-file", wrong, NULL };
  char *out = NULL;
  char *err = NULL;

  /* The server refuses to start with a token others may read, or none. */
  g_assert_cmpint (pc_test_run (server_open, NULL, NULL, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "mode 0640"));
  g_assert_nonnull (strstr (err, open_token));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (pc_test_run (server_empty, NULL, NULL, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "is empty"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  server = start_auth_server (fixture, "30");
  cli_open[1] = cli_none[1] = cli_good[1] = cli_wrong[1] = server->address;

  /* So does the CLI. */
  g_assert_cmpint (run_cli (fixture->tmp, NULL, cli_open, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "mode 0640"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture->tmp, NULL, cli_none, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--token-file"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture->tmp, NULL, cli_wrong, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "refused the access token"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture->tmp, NULL, cli_good, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "2\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  pc_test_server_stop (server);
}

/* ---- TLS ------------------------------------------------------------------ */

/* A self-signed certificate for @names (subjectAltName entries such as
 * "DNS:localhost,IP:127.0.0.1"), written as @dir/@stem.pem and
 * @dir/@stem.key by the openssl tool. FALSE (the test skipped) without it. */
static gboolean
make_certificate (const char *dir,
                  const char *stem,
                  const char *names)
{
  g_autofree char *cert = g_strdup_printf ("%s/%s.pem", dir, stem);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", dir, stem);
  g_autofree char *san = g_strconcat ("subjectAltName=", names, NULL);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  const char *argv[] = { openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                         "-keyout", key, "-out", cert, "-days", "2",
                         "-subj", "/CN=pipecalc test", "-addext", san, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (openssl == NULL)
    {
      g_test_skip ("The openssl tool makes the test certificates; install it "
                   "(tools/install-deps.sh test)");
      return FALSE;
    }
  g_assert_cmpint (pc_test_run (argv, NULL, NULL, &out, &err), ==, 0);
  g_assert_cmpint (g_chmod (key, 0600), ==, 0);
  return TRUE;
}

/* pipecalcd on @address with @args, its standard error collected; ready
 * once a plain TCP connection to @port is accepted. */
static GSubprocess *
start_tcp_server (const char         *address,
                  guint16             port,
                  const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *probe = g_strdup_printf ("tcp://127.0.0.1:%u", port);
  GSubprocess *server;

  g_subprocess_launcher_set_child_setup (launcher, pc_test_die_with_parent, NULL, NULL);
  g_strv_builder_add_many (builder, pc_test_server_path (), "--listen", address, NULL);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_strv_builder_add (builder, args[i]);
  argv = g_strv_builder_end (builder);
  server = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  pc_test_wait_accepting (probe, server);
  return server;
}

/* Stops @server and returns what it wrote on standard error. */
static char *
stop_tcp_server (GSubprocess *server)
{
  g_autoptr(GError) error = NULL;
  char *err = NULL;

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_communicate_utf8 (server, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (server));
  if (g_subprocess_get_exit_status (server) != 0)
    g_printerr ("pipecalcd exited %d:\n%s", g_subprocess_get_exit_status (server), err);
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 0);
  return err;
}

static guint16
free_port (const char *dir)
{
  g_autofree char *address = pc_test_address ("tcp", dir);

  return (guint16) atoi (strrchr (address, ':') + 1);
}

static void
test_tls (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *cert = g_build_filename (fixture->tmp, "server.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->tmp, "server.key", NULL);
  g_autofree char *other_ca = g_build_filename (fixture->tmp, "other.pem", NULL);
  g_autofree char *named_cert = g_build_filename (fixture->tmp, "named.pem", NULL);
  g_autofree char *named_key = g_build_filename (fixture->tmp, "named.key", NULL);
  g_autofree char *token = write_token_file (fixture->tmp, "token", TOKEN, 0600);
  guint16 port = free_port (fixture->tmp);
  g_autofree char *address = g_strdup_printf ("tcp://127.0.0.1:%u?tls=1", port);
  g_autofree char *plain = g_strdup_printf ("tcp://127.0.0.1:%u", port);
  const char *server_args[] = { "--tls-cert", cert, "--tls-key", key,
                                "--auth-token-file", token, NULL };
  const char *trusted[] = { "-c", address, "--tls-ca", cert, "--token-file", token, NULL };
  const char *other[] = { "-c", address, "--tls-ca", other_ca, "--token-file", token, NULL };
  const char *system[] = { "-c", address, "--token-file", token, NULL };
  const char *named[] = { "-c", address, "--tls-ca", named_cert, NULL };
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GIOStream) raw = NULL;
  g_autofree char *server_err = NULL;
  char *out = NULL;
  char *err = NULL;

  if (!make_certificate (fixture->tmp, "server", "DNS:localhost,IP:127.0.0.1")
      || !make_certificate (fixture->tmp, "other", "DNS:localhost,IP:127.0.0.1")
      || !make_certificate (fixture->tmp, "named", "DNS:calc.example.org"))
    return;

  server = start_tcp_server (address, port, server_args);

  /* Verified against the CA given, with a token: evaluated. */
  g_assert_cmpint (run_cli (fixture->tmp, NULL, trusted, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "2\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Signed by nobody we trust: refused before anything is sent. */
  g_assert_cmpint (run_cli (fixture->tmp, NULL, other, &out, &err), ==, 2);
  g_test_message ("pipecalc-cli said: %s", err);
  g_assert_nonnull (strstr (err, "cannot be trusted"));
  g_assert_nonnull (strstr (err, "certificate authority"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture->tmp, NULL, system, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "cannot be trusted"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The bytes on the wire are TLS: a plain client gets no answer (two
   * lines: more than the five bytes of a TLS record header). */
  raw = pc_test_connect (plain, NULL);
  g_assert_nonnull (raw);
  pc_test_send (raw, "1+1\n2+2\n");
  {
    char buffer[256];
    gssize n = g_input_stream_read (g_io_stream_get_input_stream (raw), buffer,
                                    sizeof buffer, NULL, NULL);

    /* Closed or reset; anything read would be TLS, never "2". */
    g_assert_cmpint (n, <=, 0);
  }
  server_err = stop_tcp_server (server);
  g_clear_object (&server);

  /* A certificate the CA vouches for, made for another name. */
  server_args[1] = named_cert;
  server_args[3] = named_key;
  server_args[4] = NULL;
  server = start_tcp_server (address, port, server_args);
  g_assert_cmpint (run_cli (fixture->tmp, NULL, named, &out, &err), ==, 2);
  g_test_message ("pipecalc-cli said: %s", err);
  g_assert_nonnull (strstr (err, "another host name"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_free (stop_tcp_server (server));
}

static void
test_tls_options (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *cert = g_build_filename (fixture->tmp, "server.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->tmp, "server.key", NULL);
  guint16 port = free_port (fixture->tmp);
  g_autofree char *tls = g_strdup_printf ("tcp://127.0.0.1:%u?tls=1", port);
  g_autofree char *plain = g_strdup_printf ("tcp://127.0.0.1:%u", port);
  const char *no_cert[] = { pc_test_server_path (), "--listen", tls, NULL };
  const char *unused[] = { pc_test_server_path (), "--listen", plain,
                           "--tls-cert", cert, "--tls-key", key, NULL };
  char *out = NULL;
  char *err = NULL;

  if (!make_certificate (fixture->tmp, "server", "IP:127.0.0.1"))
    return;
  g_assert_cmpint (pc_test_run (no_cert, NULL, NULL, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "--tls-cert"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (pc_test_run (unused, NULL, NULL, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "no listener uses TLS"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
}

/* Listening where other machines reach it, without TLS or a token, is
 * said at start; with both, nothing is. */
static void
test_remote_warning (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *cert = g_build_filename (fixture->tmp, "server.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->tmp, "server.key", NULL);
  g_autofree char *token = write_token_file (fixture->tmp, "token", TOKEN, 0600);
  guint16 port = free_port (fixture->tmp);
  g_autofree char *open = g_strdup_printf ("tcp://0.0.0.0:%u", port);
  g_autofree char *safe = g_strdup_printf ("tcp://0.0.0.0:%u?tls=1", port);
  const char *open_args[] = { "--allow-remote", NULL };
  const char *safe_args[] = { "--allow-remote", "--tls-cert", cert, "--tls-key", key,
                              "--auth-token-file", token, NULL };
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *err = NULL;

  if (!make_certificate (fixture->tmp, "server", "IP:127.0.0.1"))
    return;
  server = start_tcp_server (open, port, open_args);
  err = stop_tcp_server (server);
  g_test_message ("pipecalcd said: %s", err);
  g_assert_nonnull (strstr (err, "without TLS"));
  g_assert_nonnull (strstr (err, "without a token"));
  g_clear_object (&server);
  g_clear_pointer (&err, g_free);

  server = start_tcp_server (safe, port, safe_args);
  err = stop_tcp_server (server);
  g_assert_null (strstr (err, "without TLS"));
  g_assert_null (strstr (err, "without a token"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Every server of these tests serves all its sessions on one worker
   * thread, so that a session held up would hold up the others. */
  g_setenv ("PIPECALC_WORKERS", "1", TRUE);
  /* GCC 12's LeakSanitizer crashes ("Tracer caught signal 11") walking
   * the dynamic TLS of the threads GIO's TLS backend (glib-networking,
   * GnuTLS) runs handshakes on, so a clean program exits 66. Not
   * intercepting __tls_get_addr avoids it and keeps leak checking on. */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autofree char *options = g_strconcat (g_getenv ("ASAN_OPTIONS"),
                                              ":intercept_tls_get_addr=0", NULL);

      g_setenv ("ASAN_OPTIONS", options, TRUE);
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/trust/folder/open-to-others", test_folder_open_to_others);
  ADD ("/trust/folder/symlink", test_folder_symlink);
  ADD ("/trust/folder/other-user", test_folder_other_user);
  ADD ("/trust/server-uid", test_server_uid);
  ADD ("/trust/fifo/folder", test_fifo_folder);
  ADD ("/trust/fifo/owner", test_fifo_owner);
  ADD ("/trust/relative-runtime-dir", test_relative_runtime_dir);
  ADD ("/trust/auth/required", test_auth_required);
  ADD ("/trust/auth/wrong-token", test_auth_wrong_token);
  ADD ("/trust/auth/deadline", test_auth_deadline);
  ADD ("/trust/auth/token-files", test_auth_token_files);
  ADD ("/trust/tls/evaluate-and-refuse", test_tls);
  ADD ("/trust/tls/options", test_tls_options);
  ADD ("/trust/tls/remote-warning", test_remote_warning);
#undef ADD

  return g_test_run ();
}
