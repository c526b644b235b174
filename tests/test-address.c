/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>

#include "pc-transport.h"

/* Addresses are parsed by the modules a build has, found as the programs
 * find them ($PIPECALC_TRANSPORT_PATH); set once in main(). */
static PcTransports *transports;

static PcAddress *
parse (const char  *text,
       GError     **error)
{
  return pc_transports_parse_address (transports, text, error);
}

/* Whether this build has a module for the scheme @text starts with: unix
 * and fifo exist on POSIX only. A case for a scheme the build lacks says
 * so and is skipped, rather than passing for nothing. */
static gboolean
have_scheme_of (const char *text)
{
  const char *colon = strchr (text, ':');
  g_autofree char *scheme = NULL;

  if (colon == NULL)
    return FALSE;
  scheme = g_ascii_strdown (text, colon - text);
  return pc_transports_lookup (transports, scheme, NULL) != NULL;
}

static gboolean
skip_without_scheme_of (const char *text)
{
  g_autofree char *message = NULL;

  if (have_scheme_of (text))
    return FALSE;
  message = g_strdup_printf ("no module for %s in this build", text);
  g_test_skip (message);
  return TRUE;
}

typedef struct
{
  const char *input;
  const char *text;    /* canonical form */
  const char *scheme;
  const char *path;
  const char *host;
  guint16     port;
} GoodAddress;

static const GoodAddress good_addresses[] = {
  { "unix:/run/x/socket", "unix:/run/x/socket", "unix", "/run/x/socket", NULL, 0 },
  { "unix:///run/x/socket", "unix:/run/x/socket", "unix", "/run/x/socket", NULL, 0 },
  { "fifo:/tmp/f", "fifo:/tmp/f", "fifo", "/tmp/f", NULL, 0 },
  { "tcp://localhost:7878", "tcp://localhost:7878", "tcp", NULL, "localhost", 7878 },
  { "tcp://localhost", "tcp://localhost:7878", "tcp", NULL, "localhost", 7878 },
  { "tcp://127.0.0.1:9", "tcp://127.0.0.1:9", "tcp", NULL, "127.0.0.1", 9 },
  { "tcp://[::1]:7878", "tcp://[::1]:7878", "tcp", NULL, "::1", 7878 },
  { "tcp://[::1]", "tcp://[::1]:7878", "tcp", NULL, "::1", 7878 },
  /* A zone ID: %25 in the address, decoded in the host (RFC 6874). */
  { "tcp://[fe80::1%25eth0]:9", "tcp://[fe80::1%25eth0]:9", "tcp", NULL, "fe80::1%eth0", 9 },
  { "tcp://calc.example.org:7878", "tcp://calc.example.org:7878", "tcp", NULL,
    "calc.example.org", 7878 },
  { "tcp://host:65535", "tcp://host:65535", "tcp", NULL, "host", 65535 },
  { "TCP://host:1", "tcp://host:1", "tcp", NULL, "host", 1 },
};

static void
test_parse_good (gconstpointer data)
{
  const GoodAddress *good = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcAddress) address = parse (good->input, &error);
  g_autoptr(PcAddress) again = NULL;

  if (skip_without_scheme_of (good->input))
    return;
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_assert_cmpstr (address->text, ==, good->text);
  g_assert_cmpstr (address->scheme, ==, good->scheme);
  g_assert_cmpstr (address->path, ==, good->path);
  g_assert_cmpstr (address->host, ==, good->host);
  g_assert_cmpuint (address->port, ==, good->port);

  /* The canonical text parses back to the same address. */
  again = parse (address->text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_cmpstr (again->text, ==, address->text);
  g_assert_cmpstr (again->host, ==, address->host);
  g_assert_cmpstr (again->path, ==, address->path);
  g_assert_cmpuint (again->port, ==, address->port);
}

typedef struct
{
  const char *name;      /* test path component */
  const char *input;
  int         code;
  const char *problem;   /* a substring naming what is wrong */
  const char *example;   /* a substring of the valid example shown */
} BadAddress;

static const BadAddress bad_addresses[] = {
  { "empty", "", PC_ADDRESS_ERROR_INVALID, "empty", "unix:/" },
  { "blank", "   ", PC_ADDRESS_ERROR_INVALID, "empty", "unix:/" },
  { "no-scheme", "localhost:7878", PC_ADDRESS_ERROR_UNKNOWN_SCHEME,
    "“localhost” is not a known transport", "tcp://localhost:7878" },
  { "no-colon", "localhost", PC_ADDRESS_ERROR_UNKNOWN_SCHEME,
    "does not start with a transport", "tcp://localhost:7878" },
  { "http", "http://x", PC_ADDRESS_ERROR_UNKNOWN_SCHEME,
    "“http” is not a known transport", "tcp://localhost:7878" },
  { "unix-no-path", "unix:", PC_ADDRESS_ERROR_INVALID, "path is missing", "unix:/" },
  { "unix-relative", "unix:relative/path", PC_ADDRESS_ERROR_INVALID,
    "must be absolute", "unix:/" },
  { "fifo-relative", "fifo:f", PC_ADDRESS_ERROR_INVALID, "must be absolute", "fifo:/" },
  { "tcp-empty", "tcp://", PC_ADDRESS_ERROR_INVALID, "host name is missing", "tcp://" },
  { "tcp-no-slashes", "tcp:host:1", PC_ADDRESS_ERROR_INVALID, "“//”", "tcp://" },
  { "tcp-no-host", "tcp://:7878", PC_ADDRESS_ERROR_INVALID, "host name is missing",
    "tcp://" },
  { "tcp-no-port", "tcp://host:", PC_ADDRESS_ERROR_INVALID, "port", "tcp://" },
  { "tcp-port-0", "tcp://host:0", PC_ADDRESS_ERROR_INVALID, "between 1 and 65535",
    "tcp://" },
  { "tcp-port-70000", "tcp://host:70000", PC_ADDRESS_ERROR_INVALID,
    "between 1 and 65535", "tcp://" },
  { "tcp-port-huge", "tcp://host:99999999999", PC_ADDRESS_ERROR_INVALID,
    "between 1 and 65535", "tcp://" },
  { "tcp-port-negative", "tcp://host:-1", PC_ADDRESS_ERROR_INVALID,
    "must be a number", "tcp://" },
  { "tcp-port-text", "tcp://host:abc", PC_ADDRESS_ERROR_INVALID,
    "must be a number", "tcp://" },
  { "tcp-v6-unbracketed", "tcp://::1:7878", PC_ADDRESS_ERROR_INVALID,
    "must be written in brackets", "tcp://[::1]:7878" },
  { "tcp-v6-unclosed", "tcp://[::1", PC_ADDRESS_ERROR_INVALID, "“]”",
    "tcp://[::1]:7878" },
  { "tcp-v6-not-ip", "tcp://[notip]:1", PC_ADDRESS_ERROR_INVALID,
    "only an IPv6 address", "tcp://[::1]:7878" },
  /* GUri takes both; GLib's g_hostname_is_ip_address() takes ":". */
  { "tcp-v6-colon", "tcp://[:]:1", PC_ADDRESS_ERROR_INVALID,
    "only an IPv6 address", "tcp://[::1]:7878" },
  { "tcp-v6-zone-slash", "tcp://[fe80::1%25a%2Fb]:1", PC_ADDRESS_ERROR_INVALID,
    "IPv6 zone", "tcp://[fe80::1%25eth0]:7878" },
  { "tcp-v6-trailing", "tcp://[::1]x", PC_ADDRESS_ERROR_INVALID,
    "after the IPv6 address", "tcp://[::1]:7878" },
  { "tcp-path", "tcp://host:7878/path", PC_ADDRESS_ERROR_INVALID, "no path",
    "tcp://" },
  { "tcp-space", "tcp://ho st:1", PC_ADDRESS_ERROR_INVALID, "not allowed", "tcp://" },
  { "tcp-empty-label", "tcp://a..b:1", PC_ADDRESS_ERROR_INVALID, "not allowed",
    "tcp://" },
  /* No module parses named pipes on this platform (yet): an npipe
   * address is an unknown transport like any other. */
  { "npipe-not-here", "npipe://./pipecalc", PC_ADDRESS_ERROR_UNKNOWN_SCHEME,
    "“npipe” is not a known transport", "tcp://localhost:7878" },
};

static void
test_parse_bad (gconstpointer data)
{
  const BadAddress *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcAddress) address = parse (bad->input, &error);

  /* The example shown is one of this build's transports. */
  if (skip_without_scheme_of (bad->example))
    return;
  /* A scheme unknown on one platform may have its module on another. */
  if (bad->code == PC_ADDRESS_ERROR_UNKNOWN_SCHEME && have_scheme_of (bad->input))
    {
      g_test_skip ("this build has a module for that scheme");
      return;
    }
  g_assert_null (address);
  g_assert_error (error, PC_ADDRESS_ERROR, bad->code);
  g_test_message ("%s: %s", bad->input, error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, bad->problem));
  /* Every message shows a valid example the user can copy. */
  g_assert_nonnull (strstr (error->message, "valid"));
  g_assert_nonnull (strstr (error->message, bad->example));
  /* ...and the example really is valid. */
  {
    const char *example = strstr (error->message, "looks like ");
    g_autoptr(PcAddress) parsed = NULL;
    g_autoptr(GError) example_error = NULL;

    g_assert_nonnull (example);
    parsed = parse (example + strlen ("looks like "), &example_error);
    g_assert_no_error (example_error);
    g_assert_nonnull (parsed);
  }
}

/* The unknown-transport message lists what is really loaded. */
static void
test_lists_loaded (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcAddress) address = parse ("http://x", &error);
  g_autoptr(GPtrArray) list = pc_transports_list (transports);

  g_assert_null (address);
  g_assert_error (error, PC_ADDRESS_ERROR, PC_ADDRESS_ERROR_UNKNOWN_SCHEME);
  g_assert_cmpuint (list->len, >, 0);
  for (guint i = 0; i < list->len; i++)
    {
      const PcTransportOps *ops = g_ptr_array_index (list, i);
      g_autoptr(PcAddress) example = NULL;

      g_assert_nonnull (strstr (error->message, ops->scheme));
      /* And every module's example parses. */
      example = parse (ops->example, NULL);
      g_assert_nonnull (example);
      g_assert_cmpstr (example->scheme, ==, ops->scheme);
    }
}

static void
test_invalid_utf8 (void)
{
  /* A message a person reads must be valid UTF-8 even when the input is not. */
  g_autoptr(GError) error = NULL;
  g_autoptr(PcAddress) address = NULL;

  if (skip_without_scheme_of ("unix:"))
    return;
  address = parse ("unix:/tmp/\xff\xfe", &error);
  g_assert_null (address);
  g_assert_error (error, PC_ADDRESS_ERROR, PC_ADDRESS_ERROR_INVALID);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "UTF-8"));

  g_clear_error (&error);
  address = parse ("\xff://x", &error);
  g_assert_null (address);
  g_assert_error (error, PC_ADDRESS_ERROR, PC_ADDRESS_ERROR_UNKNOWN_SCHEME);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

typedef struct
{
  const char *input;
  gboolean    loopback;
} LoopbackCase;

static const LoopbackCase loopback_cases[] = {
  { "unix:/run/x/socket", TRUE },
  { "fifo:/tmp/f", TRUE },
  { "tcp://localhost", TRUE },
  { "tcp://LocalHost:1", TRUE },
  { "tcp://127.0.0.1", TRUE },
  { "tcp://127.0.0.2", TRUE },
  { "tcp://[::1]", TRUE },
  { "tcp://10.0.0.1", FALSE },
  { "tcp://0.0.0.0", FALSE },
  { "tcp://[::]", FALSE },
  { "tcp://calc.example.org", FALSE },
};

static void
test_loopback (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (loopback_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PcAddress) address = NULL;

      if (!have_scheme_of (loopback_cases[i].input))
        {
          g_test_message ("%s: no module in this build, not checked",
                          loopback_cases[i].input);
          continue;
        }
      address = parse (loopback_cases[i].input, &error);
      g_assert_no_error (error);
      g_test_message ("%s", loopback_cases[i].input);
      g_assert_cmpint (pc_transport_is_loopback (pc_transports_lookup (transports,
                                                                       address->scheme,
                                                                       NULL),
                                                 address),
                       ==, loopback_cases[i].loopback);
    }
}

static void
test_copy (void)
{
  const char *inputs[] = { "unix:/run/x/socket", "tcp://[::1]:9", "fifo:/tmp/f" };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(PcAddress) address = NULL;
      g_autoptr(PcAddress) copy = NULL;

      if (!have_scheme_of (inputs[i]))
        {
          g_test_message ("%s: no module in this build, not checked", inputs[i]);
          continue;
        }
      address = parse (inputs[i], NULL);
      g_assert_nonnull (address);
      copy = pc_address_copy (address);
      g_assert_true (copy != address);
      g_assert_cmpstr (copy->text, ==, address->text);
      g_assert_cmpstr (copy->scheme, ==, address->scheme);
      g_assert_cmpstr (copy->path, ==, address->path);
      g_assert_cmpstr (copy->host, ==, address->host);
      g_assert_cmpuint (copy->port, ==, address->port);
      /* A deep copy: it outlives the original. */
      if (copy->text != NULL)
        g_assert_true (copy->text != address->text);
      g_clear_pointer (&address, pc_address_free);
      g_assert_cmpstr (copy->text, ==, inputs[i][0] == 't' ? "tcp://[::1]:9"
                                                           : inputs[i]);
    }
}

static void
test_null_error (void)
{
  /* Callers that do not want the message may pass NULL. */
  g_assert_null (parse ("tcp://host:0", NULL));
  g_assert_null (parse ("", NULL));
}

static char *
path_component (const char *input)
{
  GString *s = g_string_new (NULL);

  for (const char *p = input; *p != '\0'; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '.' || *p == '-' ? *p : '_');
  return g_string_free (s, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  transports = pc_transports_load (&error);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (good_addresses); i++)
    {
      g_autofree char *component = path_component (good_addresses[i].input);
      g_autofree char *path = g_strdup_printf ("/address/%s/%s",
                                               good_addresses[i].scheme, component);

      g_test_add_data_func (path, &good_addresses[i], test_parse_good);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_addresses); i++)
    {
      g_autofree char *path = g_strdup_printf ("/address/invalid/%s",
                                               bad_addresses[i].name);

      g_test_add_data_func (path, &bad_addresses[i], test_parse_bad);
    }
  g_test_add_func ("/address/invalid/lists-loaded", test_lists_loaded);
  g_test_add_func ("/address/invalid/utf8", test_invalid_utf8);
  g_test_add_func ("/address/invalid/null-error", test_null_error);
  g_test_add_func ("/address/loopback", test_loopback);
  g_test_add_func ("/address/copy", test_copy);

  status = g_test_run ();
  pc_transports_free (transports);
  return status;
}
