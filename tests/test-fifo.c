/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */

/* What the fifo transport promises beyond the transport contract
 * (test-transport-modules runs that over every module) and the shared
 * integration bodies:
 * hostile announcements get nothing and harm no one else, dead clients and
 * dead servers leave nothing that matters behind, and the handshake fails
 * cleanly and boundedly. Most tests run against a real pipecalcd; the
 * "module" ones drive the plugin in this process. Hand-made clients
 * ("raw") speak the protocol with plain syscalls, as a hostile or dying
 * client would. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "pc-runtime-dir.h"
#include "pc-test-util.h"

/* How long the tests wait for the server to notice something. */
#define NOTICE_TIMEOUT_S 5

/* ---- Helpers ----------------------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @dir other than @except, sorted, joined by spaces. */
static char *
list_dir (const char *dir,
          const char *except)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_strcmp0 (name, except) != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* Waits until @dir holds nothing but @except. */
static void
assert_dir_empties (const char *dir,
                    const char *except)
{
  gint64 deadline = g_get_monotonic_time () + NOTICE_TIMEOUT_S * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *left = list_dir (dir, except);

      if (left[0] == '\0')
        return;
      if (g_get_monotonic_time () > deadline)
        {
          g_test_message ("left in %s: %s", dir, left);
          g_assert_cmpstr (left, ==, "");
        }
      g_usleep (10000);
    }
}

/* A normal client still gets served: the proof, after every hostile
 * announcement, that the server kept going. Its announcement travels the
 * request FIFO after the hostile one, so once it is answered the hostile
 * one has been handled too. */
static void
assert_serves (const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = pc_test_connect (address, &error);
  g_autofree char *reply = NULL;

  g_assert_no_error (error);
  reply = pc_test_ask (stream, "2+2");
  g_assert_cmpstr (reply, ==, "4");
}

/* Writes @len bytes of @data to the request FIFO at @path, as one write
 * when it fits in PIPE_BUF, like an honest client. */
static void
announce (const char *path,
          const char *data,
          gsize       len)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gsize done = 0;

  g_assert_cmpint (fd, >=, 0);
  while (done < len)
    {
      gssize n = write (fd, data + done, len - done);

      g_assert_cmpint (n, >, 0);
      done += (gsize) n;
    }
  close (fd);
}

static void
announce_dir (const char *path,
              const char *dir)
{
  g_autofree char *line = g_strdup_printf ("HELLO %s\n", dir);

  announce (path, line, strlen (line));
}

/* A client made by hand: its directory, and the ends it holds. */
typedef struct
{
  char *dir;
  int   s2c;  /* read end, or -1 */
  int   c2s;  /* write end, or -1 */
} RawClient;

static void
raw_client_free (RawClient *client)
{
  if (client->s2c >= 0)
    close (client->s2c);
  if (client->c2s >= 0)
    close (client->c2s);
  pc_test_remove_tree (client->dir);
  g_free (client->dir);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawClient, raw_client_free)

static char *
raw_path (RawClient  *client,
          const char *name)
{
  return g_build_filename (client->dir, name, NULL);
}

/* @dir with two FIFOs, all as a real client makes them. */
static RawClient *
raw_client_new (const char *dir)
{
  RawClient *client = g_new0 (RawClient, 1);
  g_autofree char *c2s = NULL;
  g_autofree char *s2c = NULL;

  client->dir = g_strdup (dir);
  client->s2c = client->c2s = -1;
  c2s = raw_path (client, "c2s");
  s2c = raw_path (client, "s2c");
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_cmpint (chmod (dir, 0700), ==, 0);
  g_assert_cmpint (mkfifo (c2s, 0600), ==, 0);
  g_assert_cmpint (mkfifo (s2c, 0600), ==, 0);
  g_assert_cmpint (chmod (c2s, 0600), ==, 0);
  g_assert_cmpint (chmod (s2c, 0600), ==, 0);
  return client;
}

/* Holds the server→client read end, as a live client does from before it
 * announces itself: a server wrongly accepting the directory could then
 * open it. */
static void
raw_client_listen (RawClient *client)
{
  g_autofree char *s2c = raw_path (client, "s2c");

  client->s2c = open (s2c, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  g_assert_cmpint (client->s2c, >=, 0);
}

/* Whether anybody (the server) has the client→server FIFO open for
 * reading. */
static gboolean
raw_client_is_read (RawClient *client)
{
  g_autofree char *c2s = raw_path (client, "c2s");
  int fd = open (c2s, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    {
      g_assert_cmpint (errno, ==, ENXIO);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* The server opened nothing in the client's directory: nobody reads c2s,
 * and no writer ever came to s2c (Linux reports POLLHUP on a FIFO's read
 * end once a writer has come and gone, and POLLIN if it wrote). */
static void
assert_untouched (RawClient *client)
{
  struct pollfd s2c = { .fd = client->s2c, .events = POLLIN };

  g_assert_false (raw_client_is_read (client));
  g_assert_cmpint (poll (&s2c, 1, 0), ==, 0);
}

/* The full handshake by hand; the directory is left in place, as by a
 * client killed before it could remove it. */
static void
raw_client_connect (RawClient  *client,
                    const char *request_path)
{
  g_autofree char *c2s = raw_path (client, "c2s");
  gint64 deadline = g_get_monotonic_time () + NOTICE_TIMEOUT_S * G_USEC_PER_SEC;
  int holder;

  raw_client_listen (client);
  holder = open (c2s, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  client->c2s = open (c2s, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  close (holder);
  g_assert_cmpint (client->c2s, >=, 0);
  announce_dir (request_path, client->dir);
  while (!raw_client_is_read (client))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

static char *
raw_client_ask (RawClient  *client,
                const char *request)
{
  struct pollfd in = { .fd = client->s2c, .events = POLLIN };
  char buf[256];
  gsize got = 0;

  g_assert_cmpint (write (client->c2s, request, strlen (request)), ==,
                   (gssize) strlen (request));
  while (got == 0 || buf[got - 1] != '\n')
    {
      gssize n;

      g_assert_cmpint (poll (&in, 1, NOTICE_TIMEOUT_S * 1000), ==, 1);
      n = read (client->s2c, buf + got, sizeof buf - 1 - got);
      g_assert_cmpint (n, >, 0);
      got += (gsize) n;
    }
  return g_strndup (buf, got - 1);
}

/* ---- Tests against a real pipecalcd ------------------------------------ */

typedef struct
{
  char         *dir;
  char         *path;     /* the request FIFO */
  char         *address;
  PcTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("pipecalc-fifo-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "fifo", NULL);
  fixture->address = g_strconcat ("fifo:", fixture->path, NULL);
  fixture->server = pc_test_server_start (fixture->address, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->server != NULL)
    {
      /* Under the sanitizers, a leak in the server shows here. */
      g_assert_cmpint (pc_test_server_stop (fixture->server), ==, 0);
      pc_test_server_free (fixture->server);
    }
  pc_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->address);
}

/* A directory beside the request FIFO, named the way clients name
 * theirs ("fifo.XXXXXX": @name's letters and digits, cut or padded to
 * six), so that the server gets past the name to the check under test. */
static char *
fixture_child (Fixture    *fixture,
               const char *name)
{
  char suffix[7] = "000000";
  gsize len = 0;

  for (const char *p = name; *p != '\0' && len < 6; p++)
    if (g_ascii_isalnum (*p))
      suffix[len++] = *p;
  return g_strdup_printf ("%s.%s", fixture->path, suffix);
}

static void
test_garbage (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *missing = fixture_child (fixture, "missing");
  g_autofree char *missing_line = g_strdup_printf ("HELLO %s\n", missing);
  g_autofree char *cr = fixture_child (fixture, "cr");
  g_autofree char *cr_line = g_strdup_printf ("HELLO %s\r\n", cr);
  g_autoptr(RawClient) cr_client = raw_client_new (cr);
  const struct
  {
    const char *bytes;
    gsize       len;
  } lines[] = {
    { "GARBAGE\n", 8 },
    { "\n", 1 },
    { "HELLO\n", 6 },
    { "HELLO \n", 7 },
    { "hello /tmp\n", 11 },
    { "HELLO relative/dir\n", 19 },
    { "\0\1\2HELLO /tmp\n", 14 },
    { "HELLO /tmp\0/x\n", 14 },
    { "\xff\xfe\x1b[2J\n", 7 },
    { missing_line, strlen (missing_line) },
    /* Not the directory the client made: one with a CR in its name. */
    { cr_line, strlen (cr_line) },
  };

  raw_client_listen (cr_client);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      announce (fixture->path, lines[i].bytes, lines[i].len);
      assert_serves (fixture->address);
    }
  assert_untouched (cr_client);
}

/* @parent/////…/@name, padded with slashes so that "HELLO <it>\n" is
 * @line_len bytes: the same directory, under a name of any length. */
static char *
padded_dir (const char *parent,
            const char *name,
            gsize       line_len)
{
  GString *dir = g_string_new (parent);

  while (strlen ("HELLO ") + dir->len + strlen (name) + 1 < line_len)
    g_string_append_c (dir, '/');
  g_string_append (dir, name);
  return g_string_free (dir, FALSE);
}

static void
test_too_long (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *longest = padded_dir (fixture->dir, "fifo.longst", PIPE_BUF);
  g_autofree char *too_long = padded_dir (fixture->dir, "fifo.toolng", PIPE_BUF + 1);
  g_autoptr(RawClient) served = raw_client_new (longest);
  g_autoptr(RawClient) refused = raw_client_new (too_long);
  g_autofree char *reply = NULL;
  g_autoptr(GString) junk = g_string_new ("HELLO /");

  /* PIPE_BUF bytes with the newline: still one atomic write, served. */
  raw_client_connect (served, fixture->path);
  reply = raw_client_ask (served, "1+1\n");
  g_assert_cmpstr (reply, ==, "2");

  /* One byte more: a sound directory, but such a line may hold pieces of
   * other clients' announcements, so the length alone gets it refused. */
  raw_client_listen (refused);
  announce_dir (fixture->path, too_long);
  assert_serves (fixture->address);
  assert_untouched (refused);

  /* Much longer, and garbage. */
  for (int i = 0; i < 5 * PIPE_BUF; i++)
    g_string_append_c (junk, 'a' + i % 26);
  g_string_append_c (junk, '\n');
  announce (fixture->path, junk->str, junk->len);
  assert_serves (fixture->address);
}

static void
test_symlink (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *target = fixture_child (fixture, "target");
  g_autofree char *link = fixture_child (fixture, "link");
  g_autofree char *links = fixture_child (fixture, "links");
  g_autofree char *target_c2s = g_build_filename (target, "c2s", NULL);
  g_autofree char *target_s2c = g_build_filename (target, "s2c", NULL);
  g_autofree char *links_c2s = g_build_filename (links, "c2s", NULL);
  g_autofree char *links_s2c = g_build_filename (links, "s2c", NULL);
  g_autoptr(RawClient) client = raw_client_new (target);

  raw_client_listen (client);

  /* The announced directory is a symlink to a sound one. */
  g_assert_cmpint (symlink (target, link), ==, 0);
  announce_dir (fixture->path, link);
  assert_serves (fixture->address);
  assert_untouched (client);

  /* A real directory whose FIFOs are symlinks to sound ones. */
  g_assert_cmpint (g_mkdir (links, 0700), ==, 0);
  g_assert_cmpint (symlink (target_c2s, links_c2s), ==, 0);
  g_assert_cmpint (symlink (target_s2c, links_s2c), ==, 0);
  announce_dir (fixture->path, links);
  assert_serves (fixture->address);
  assert_untouched (client);
}

static void
test_regular_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *one = fixture_child (fixture, "one");
  g_autofree char *two = fixture_child (fixture, "two");
  g_autoptr(RawClient) first = raw_client_new (one);
  g_autoptr(RawClient) second = raw_client_new (two);
  g_autofree char *s2c = raw_path (first, "s2c");
  g_autofree char *c2s = raw_path (second, "c2s");
  g_autofree char *contents = NULL;

  /* s2c is a regular file: writing replies into a file on a client's
   * word must never happen. */
  g_assert_cmpint (g_unlink (s2c), ==, 0);
  g_assert_true (g_file_set_contents (s2c, "precious", -1, NULL));
  g_assert_cmpint (chmod (s2c, 0600), ==, 0);
  announce_dir (fixture->path, one);
  assert_serves (fixture->address);
  g_assert_false (raw_client_is_read (first));
  g_assert_true (g_file_get_contents (s2c, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");

  /* c2s is a regular file, s2c a sound FIFO: both are checked before
   * either is opened, so not even s2c is. */
  raw_client_listen (second);
  g_assert_cmpint (g_unlink (c2s), ==, 0);
  g_assert_true (g_file_set_contents (c2s, "", -1, NULL));
  g_assert_cmpint (chmod (c2s, 0600), ==, 0);
  announce_dir (fixture->path, two);
  assert_serves (fixture->address);
  {
    struct pollfd in = { .fd = second->s2c, .events = POLLIN };

    g_assert_cmpint (poll (&in, 1, 0), ==, 0);
  }
}

static void
test_other_owner (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *theirs = fixture_child (fixture, "theirs");
  g_autofree char *mixed = fixture_child (fixture, "mixed");
  struct passwd *nobody = getpwnam ("nobody");
  g_autoptr(RawClient) dir_client = NULL;
  g_autoptr(RawClient) fifo_client = NULL;
  g_autofree char *s2c = NULL;

  if (geteuid () != 0)
    {
      g_test_skip ("Giving a directory to another user needs root");
      return;
    }
  if (nobody == NULL || nobody->pw_uid == 0)
    {
      g_test_skip ("No user “nobody” on this system");
      return;
    }

  /* A sound directory, owned by someone else: they could swap its
   * FIFOs. */
  dir_client = raw_client_new (theirs);
  raw_client_listen (dir_client);
  g_assert_cmpint (chown (theirs, nobody->pw_uid, (gid_t) -1), ==, 0);
  announce_dir (fixture->path, theirs);
  assert_serves (fixture->address);
  assert_untouched (dir_client);

  /* Our directory, one of its FIFOs someone else's. */
  fifo_client = raw_client_new (mixed);
  raw_client_listen (fifo_client);
  s2c = raw_path (fifo_client, "s2c");
  g_assert_cmpint (chown (s2c, nobody->pw_uid, (gid_t) -1), ==, 0);
  announce_dir (fixture->path, mixed);
  assert_serves (fixture->address);
  assert_untouched (fifo_client);
}

static void
test_writable (Fixture       *fixture,
               gconstpointer  data)
{
  const struct
  {
    const char *name;
    mode_t      dir_mode;
    mode_t      fifo_mode;
  } cases[] = {
    { "world", 0777, 0600 },
    { "sticky", 01777, 0600 },
    { "group", 0770, 0600 },
    { "fifo-world", 0755, 0666 },
    { "fifo-group-read", 0700, 0640 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = fixture_child (fixture, cases[i].name);
      g_autoptr(RawClient) client = raw_client_new (dir);
      g_autofree char *c2s = raw_path (client, "c2s");
      g_autofree char *s2c = raw_path (client, "s2c");

      g_test_message ("%s", cases[i].name);
      raw_client_listen (client);
      g_assert_cmpint (chmod (dir, cases[i].dir_mode), ==, 0);
      g_assert_cmpint (chmod (c2s, cases[i].fifo_mode), ==, 0);
      g_assert_cmpint (chmod (s2c, cases[i].fifo_mode), ==, 0);
      announce_dir (fixture->path, dir);
      assert_serves (fixture->address);
      assert_untouched (client);
    }
}

/* Finding 8 of issue 12: the server opens, empties and removes only
 * client directories beside its request FIFO named like clients name
 * them, never another directory of its user that an announcement names,
 * however sound. */
static void
test_elsewhere (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *other = g_dir_make_tmp ("pipecalc-fifo-other-XXXXXX", NULL);
  g_autofree char *far = g_build_filename (other, "fifo.Abcdef", NULL);
  g_autofree char *beside = g_build_filename (fixture->dir, "precious", NULL);
  g_autofree char *deeper_parent = g_build_filename (fixture->dir, "sub", NULL);
  g_autofree char *deeper = g_build_filename (deeper_parent, "fifo.Abcdef", NULL);
  g_autofree char *other_base = g_path_get_basename (other);
  g_autofree char *dotdot = g_strdup_printf ("%s/sub/../../%s/fifo.Abcdef",
                                             fixture->dir, other_base);
  g_autoptr(RawClient) far_client = NULL;
  g_autoptr(RawClient) beside_client = NULL;
  g_autoptr(RawClient) deeper_client = NULL;
  RawClient *clients[3];

  g_assert_nonnull (other);
  g_assert_cmpint (g_mkdir (deeper_parent, 0700), ==, 0);
  clients[0] = far_client = raw_client_new (far);
  clients[1] = beside_client = raw_client_new (beside);
  clients[2] = deeper_client = raw_client_new (deeper);
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      raw_client_listen (clients[i]);
      announce_dir (fixture->path, clients[i]->dir);
      assert_serves (fixture->address);
      assert_untouched (clients[i]);
    }
  /* The right name, reached from beside the FIFO by "..". */
  announce_dir (fixture->path, dotdot);
  assert_serves (fixture->address);
  assert_untouched (far_client);

  /* Nothing was emptied or removed either. */
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      g_autofree char *c2s = raw_path (clients[i], "c2s");
      g_autofree char *s2c = raw_path (clients[i], "s2c");

      g_assert_true (g_file_test (c2s, G_FILE_TEST_EXISTS));
      g_assert_true (g_file_test (s2c, G_FILE_TEST_EXISTS));
    }
  g_clear_pointer (&far_client, raw_client_free);
  g_rmdir (other);
}

/* The control for the hostile cases: the same hand-made client, sound,
 * is served, and its directory is removed by the server once it dies
 * without removing it. */
static void
test_abandoned (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *dir = g_strconcat (fixture->path, ".Abcdef", NULL);
  g_autoptr(RawClient) client = raw_client_new (dir);
  g_autofree char *reply = NULL;
  pid_t holder;
  int status;

  raw_client_connect (client, fixture->path);
  reply = raw_client_ask (client, "6*7\n");
  g_assert_cmpstr (reply, ==, "42");
  g_assert_cmpint (write (client->c2s, "1+", 2), ==, 2);

  /* Its ends move to a process that then dies the hard way. */
  holder = fork ();
  g_assert_cmpint (holder, >=, 0);
  if (holder == 0)
    for (;;)
      pause ();
  close (client->s2c);
  close (client->c2s);
  client->s2c = client->c2s = -1;
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  kill (holder, SIGKILL);
  g_assert_cmpint (waitpid (holder, &status, 0), ==, holder);

  assert_dir_empties (fixture->dir, "fifo");
  assert_serves (fixture->address);
}

/* A client that announced itself and died before the server got to it:
 * its directory is sound but nobody reads s2c. */
static void
test_gone_before_served (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *dir = g_strconcat (fixture->path, ".Gone12", NULL);
  RawClient *client = raw_client_new (dir);

  announce_dir (fixture->path, dir);
  assert_serves (fixture->address);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  raw_client_free (client);
}

static void
test_killed_client (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *argv[] = { pc_test_cli_path (), "--connect", fixture->address,
                         NULL };
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  GOutputStream *in;

  cli = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE
                           | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (cli);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (cli));

  /* Connected and answering... */
  g_output_stream_write_all (in, "1+1\n", 4, NULL, NULL, &error);
  g_assert_no_error (error);
  first = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, "2");

  /* ...then killed with a request in flight. */
  g_output_stream_write_all (in, "5*5\n", 4, NULL, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_force_exit (cli);
  g_subprocess_wait (cli, NULL, &error);
  g_assert_no_error (error);

  assert_dir_empties (fixture->dir, "fifo");
  assert_serves (fixture->address);
}

static void
test_sessions_leave_no_files (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) one = pc_test_connect (fixture->address, &error);
  g_autoptr(GIOStream) two = NULL;
  g_autofree char *left = NULL;
  g_autofree char *reply = NULL;
  struct stat st;

  g_assert_no_error (error);
  two = pc_test_connect (fixture->address, &error);
  g_assert_no_error (error);

  /* Once connected, each side holds its ends and the names are gone. */
  left = list_dir (fixture->dir, NULL);
  g_assert_cmpstr (left, ==, "fifo");
  g_assert_cmpint (lstat (fixture->path, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  reply = pc_test_ask (two, "a=1");
  g_assert_cmpstr (reply, ==, "1");
  g_free (reply);
  reply = pc_test_ask (one, "a");
  g_assert_true (g_str_has_prefix (reply, "error: "));
}

/* ---- Servers that die, and servers that cannot start ------------------- */

static void
test_stale_request_fifo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pipecalc-fifo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "fifo", NULL);
  g_autofree char *address = g_strconcat ("fifo:", path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = NULL;
  PcTestServer *killed = pc_test_server_start (address, NULL);
  PcTestServer *next;
  g_autofree char *left = NULL;

  /* SIGKILL: no chance to remove the request FIFO. */
  g_subprocess_force_exit (killed->process);
  g_subprocess_wait (killed->process, NULL, NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* A client finds nobody there, says where, and leaves nothing. */
  stream = pc_test_connect (address, &error);
  g_assert_null (stream);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (error->message, address));
  left = list_dir (dir, NULL);
  g_assert_cmpstr (left, ==, "fifo");

  /* A new server takes the path over. */
  next = pc_test_server_start (address, NULL);
  assert_serves (address);
  g_assert_cmpint (pc_test_server_stop (next), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  pc_test_server_free (next);
  pc_test_server_free (killed);
  pc_test_remove_tree (dir);
}

static void
test_nobody_there (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pipecalc-fifo-XXXXXX", NULL);
  g_autofree char *address = g_strdup_printf ("fifo:%s/none", dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = pc_test_connect (address, &error);
  g_autofree char *left = list_dir (dir, NULL);

  g_assert_null (stream);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, address));
  g_assert_cmpstr (left, ==, "");
  pc_test_remove_tree (dir);
}

static void
test_server_refuses (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pipecalc-fifo-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_autofree char *open_dir = g_build_filename (dir, "open", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *file_address = g_strconcat ("fifo:", file, NULL);
  g_autofree char *open_address = g_strconcat ("fifo:", open_dir, "/fifo", NULL);
  g_autofree char *link_address = g_strconcat ("fifo:", link, "/fifo", NULL);
  g_autofree char *missing_address = g_strconcat ("fifo:", dir, "/no/fifo", NULL);
  g_autofree char *long_address = NULL;
  g_autofree char *contents = NULL;
  const struct
  {
    const char *address;
    const char *message;
  } cases[] = {
    { file_address, "is not a FIFO" },
    { open_address, "writable by other users" },
    { link_address, "symbolic link" },
    { missing_address, "does not exist" },
    { NULL, "too long" },
  };

  g_assert_true (g_file_set_contents (file, "precious", -1, NULL));
  g_assert_cmpint (g_mkdir (open_dir, 0777), ==, 0);
  g_assert_cmpint (chmod (open_dir, 01777), ==, 0);
  g_assert_cmpint (symlink (dir, link), ==, 0);
  {
    g_autofree char *name = g_strnfill (200, 'd');
    g_autoptr(GString) path = g_string_new ("fifo:");

    while (path->len < PIPE_BUF)
      g_string_append_printf (path, "/%s", name);
    long_address = g_string_free (g_steal_pointer (&path), FALSE);
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *address = cases[i].address ? cases[i].address : long_address;
      const char *argv[] = { pc_test_server_path (), "--listen", address, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("%s", cases[i].message);
      g_assert_cmpint (pc_test_run (argv, NULL, NULL, &out, &err), ==, 1);
      if (strstr (err, cases[i].message) == NULL)
        g_test_message ("stderr: %s", err);
      g_assert_nonnull (strstr (err, cases[i].message));
    }

  /* Not a FIFO: never replaced. */
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");
  pc_test_remove_tree (dir);
}

static void
age (const char *path)
{
  struct timespec times[2] = {
    { .tv_sec = time (NULL) - 600 },
    { .tv_sec = time (NULL) - 600 },
  };

  g_assert_cmpint (utimensat (AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), ==, 0);
}

/* What clients and servers left when they died at once goes at the next
 * start; what may still be in use stays. */
static void
test_sweep (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pipecalc-fifo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "fifo", NULL);
  g_autofree char *address = g_strconcat ("fifo:", path, NULL);
  g_autofree char *dead = g_strconcat (path, ".Dead01", NULL);
  g_autofree char *live = g_strconcat (path, ".Live01", NULL);
  g_autofree char *young = g_strconcat (path, ".Young1", NULL);
  g_autofree char *file = g_strconcat (path, ".File01", NULL);
  g_autofree char *temp = g_strconcat (path, ".999999999.new", NULL);
  g_autofree char *other = g_build_filename (dir, "other.Dead01", NULL);
  RawClient *dead_client = raw_client_new (dead);
  RawClient *live_client = raw_client_new (live);
  RawClient *young_client = raw_client_new (young);
  RawClient *other_client = raw_client_new (other);
  PcTestServer *server;
  g_autofree char *left = NULL;

  raw_client_listen (live_client);
  g_assert_cmpint (mkfifo (temp, 0600), ==, 0);
  g_assert_true (g_file_set_contents (file, "", -1, NULL));
  age (dead);
  age (live);
  age (temp);
  age (file);
  age (other);

  server = pc_test_server_start (address, NULL);
  left = list_dir (dir, NULL);
  g_assert_cmpstr (left, ==, "fifo fifo.File01 fifo.Live01 fifo.Young1 other.Dead01");
  g_assert_cmpint (pc_test_server_stop (server), ==, 0);
  pc_test_server_free (server);

  raw_client_free (dead_client);
  raw_client_free (live_client);
  raw_client_free (young_client);
  raw_client_free (other_client);
  pc_test_remove_tree (dir);
}

/* The issue's own example, with a private folder instead of /tmp/x. */
static void
test_cli (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pipecalc-fifo-XXXXXX", NULL);
  g_autofree char *x = g_build_filename (tmp, "x", NULL);
  g_autofree char *address = g_strdup_printf ("fifo:%s/fifo", x);
  const char *argv[] = { pc_test_cli_path (), "--connect", address, "2+2", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  PcTestServer *server;

  g_assert_cmpint (g_mkdir (x, 0700), ==, 0);
  server = pc_test_server_start (address, NULL);
  g_assert_cmpint (pc_test_run (argv, NULL, NULL, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "4\n");
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (pc_test_server_stop (server), ==, 0);
  pc_test_server_free (server);
  pc_test_remove_tree (tmp);
}

/* ---- The plugin in this process ----------------------------------------- */

typedef struct
{
  const PcTransportOps *ops;
  GMainContext         *context;
  char                 *dir;
  PcAddress            *address;
  GPtrArray            *accepted;

  gboolean              connect_done;
  GIOStream            *client;
  GError               *connect_error;
} Local;

static void
local_set_up (Local         *local,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  local->ops = pc_transports_lookup (pc_test_transports (), "fifo", &error);
  g_assert_no_error (error);
  local->context = g_main_context_new ();
  g_main_context_push_thread_default (local->context);
  local->dir = g_dir_make_tmp ("pipecalc-fifo-XXXXXX", &error);
  g_assert_no_error (error);
  text = g_strdup_printf ("fifo:%s/fifo", local->dir);
  local->address = pc_transports_parse_address (pc_test_transports (), text, &error);
  g_assert_no_error (error);
  local->accepted = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
local_drain (Local *local)
{
  for (int i = 0; i < 50; i++)
    {
      while (g_main_context_pending (local->context))
        g_main_context_iteration (local->context, FALSE);
      g_usleep (1000);
    }
}

static void
local_tear_down (Local         *local,
                 gconstpointer  data)
{
  g_clear_object (&local->client);
  g_clear_error (&local->connect_error);
  g_clear_pointer (&local->accepted, g_ptr_array_unref);
  local_drain (local);
  g_main_context_pop_thread_default (local->context);
  g_main_context_unref (local->context);
  pc_test_remove_tree (local->dir);
  g_free (local->dir);
  pc_address_free (local->address);
}

static void
local_incoming_cb (GIOStream    *stream,
                   const PcPeer *peer,
                   gpointer      user_data)
{
  Local *local = user_data;
  g_autofree char *account = g_strdup_printf ("uid:%lu", (unsigned long) geteuid ());

  g_assert_true (g_main_context_is_owner (local->context));
  g_assert_true (g_str_has_prefix (peer->description, local->address->path));
  g_assert_cmpstr (peer->account, ==, account);
  g_ptr_array_add (local->accepted, stream);
}

static void
local_connect_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Local *local = user_data;

  g_assert_true (g_main_context_is_owner (local->context));
  local->client = local->ops->connect_finish (result, &local->connect_error);
  local->connect_done = TRUE;
}

static void
local_connect_start (Local        *local,
                     GCancellable *cancellable)
{
  g_clear_object (&local->client);
  g_clear_error (&local->connect_error);
  local->connect_done = FALSE;
  local->ops->connect_async (local->address, NULL, cancellable, local_connect_cb,
                             local);
}

/* Iterates until the connect is over or @seconds have passed. */
static void
local_wait (Local  *local,
            double  seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!local->connect_done && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (local->context, FALSE);
      g_usleep (500);
    }
}

/* Plays a server that reads announcements and never answers them. */
static int
local_mute_server (Local *local)
{
  int fd;

  g_assert_cmpint (mkfifo (local->address->path, 0600), ==, 0);
  fd = open (local->address->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  return fd;
}

static void
test_local_default_address (Local         *local,
                            gconstpointer  data)
{
  g_autofree char *runtime_dir = pc_runtime_dir_path ();
  g_autofree char *expected = g_strdup_printf ("fifo:%s/fifo", runtime_dir);
  g_autofree char *text = local->ops->default_address ();
  g_autoptr(PcAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  PcTransportListener *listener;
  struct stat st;

  g_assert_cmpstr (text, ==, expected);
  g_assert_false (g_file_test (runtime_dir, G_FILE_TEST_EXISTS));

  /* The runtime directory is made, private, for the default address. */
  address = pc_transports_parse_address (pc_test_transports (), text, &error);
  g_assert_no_error (error);
  listener = local->ops->listen (address, NULL, local_incoming_cb, local, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lstat (runtime_dir, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  local->ops->close_listener (listener);
  g_assert_cmpint (g_rmdir (runtime_dir), ==, 0);
}

static void
test_local_timeout (Local         *local,
                    gconstpointer  data)
{
  int mute = local_mute_server (local);
  char hello[PIPE_BUF];
  g_autofree char *prefix = g_strdup_printf ("HELLO %s.", local->address->path);
  g_autofree char *left = NULL;
  gint64 start = g_get_monotonic_time ();
  gssize n;

  local_connect_start (local, NULL);
  local_wait (local, 30);
  g_assert_null (local->client);
  g_assert_error (local->connect_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (local->connect_error->message, local->address->text));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 9 * G_USEC_PER_SEC);

  /* It did announce itself, in one line, and cleaned up after giving up. */
  n = read (mute, hello, sizeof hello - 1);
  g_assert_cmpint (n, >, 0);
  hello[n] = '\0';
  g_assert_true (g_str_has_prefix (hello, prefix));
  g_assert_cmpint (strlen (hello), ==, strlen (prefix) + 7);
  g_assert_true (g_str_has_suffix (hello, "\n"));
  left = list_dir (local->dir, NULL);
  g_assert_cmpstr (left, ==, "fifo");
  close (mute);
}

static void
test_local_server_goes (Local         *local,
                        gconstpointer  data)
{
  int mute = local_mute_server (local);
  g_autofree char *left = NULL;

  local_connect_start (local, NULL);
  local_wait (local, 0.05);
  g_assert_false (local->connect_done);
  close (mute);
  local_wait (local, 2);
  g_assert_true (local->connect_done);
  g_assert_error (local->connect_error, G_IO_ERROR,
                  G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (local->connect_error->message, local->address->text));
  left = list_dir (local->dir, NULL);
  g_assert_cmpstr (left, ==, "fifo");
}

static void
test_local_cancel (Local         *local,
                   gconstpointer  data)
{
  int mute = local_mute_server (local);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *left = NULL;

  local_connect_start (local, cancellable);
  local_wait (local, 0.05);
  g_assert_false (local->connect_done);
  g_cancellable_cancel (cancellable);
  local_wait (local, 2);
  g_assert_error (local->connect_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  left = list_dir (local->dir, NULL);
  g_assert_cmpstr (left, ==, "fifo");
  close (mute);

  /* Cancelled before it starts: nothing is created at all. */
  local_connect_start (local, cancellable);
  local_wait (local, 2);
  g_assert_error (local->connect_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime_dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* A runtime directory of our own that does not exist yet, set before
   * any thread starts (setenv is not thread-safe). */
  runtime_dir = g_dir_make_tmp ("pipecalc-fifo-runtime-XXXXXX", NULL);
  g_assert_nonnull (runtime_dir);
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);

#define ADD(path, func) \
  g_test_add ("/fifo/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("bad-announcement/garbage", test_garbage);
  ADD ("bad-announcement/too-long", test_too_long);
  ADD ("bad-announcement/symlink", test_symlink);
  ADD ("bad-announcement/regular-file", test_regular_file);
  ADD ("bad-announcement/other-owner", test_other_owner);
  ADD ("bad-announcement/writable", test_writable);
  ADD ("bad-announcement/elsewhere", test_elsewhere);
  ADD ("abandoned-directory-removed", test_abandoned);
  ADD ("client-gone-before-served", test_gone_before_served);
  ADD ("killed-client-leaves-nothing", test_killed_client);
  ADD ("sessions-leave-no-files", test_sessions_leave_no_files);
#undef ADD
  g_test_add_func ("/fifo/stale-request-fifo", test_stale_request_fifo);
  g_test_add_func ("/fifo/nobody-there", test_nobody_there);
  g_test_add_func ("/fifo/server-refuses", test_server_refuses);
  g_test_add_func ("/fifo/sweep", test_sweep);
  g_test_add_func ("/fifo/cli", test_cli);
#define ADD(path, func) \
  g_test_add ("/fifo/module/" path, Local, NULL, local_set_up, func, local_tear_down)
  ADD ("default-address", test_local_default_address);
  ADD ("timeout", test_local_timeout);
  ADD ("server-goes-away", test_local_server_goes);
  ADD ("cancel", test_local_cancel);
#undef ADD

  status = g_test_run ();
  pc_test_remove_tree (runtime_dir);
  return status;
}
