/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "pc-address.h"

G_DEFINE_QUARK (pc-address-error-quark, pc_address_error)

/* Windows limits a pipe name (after \\host\pipe\) to 256 characters. */
#define NPIPE_NAME_MAX 256

static gboolean
fail (GError    **error,
      int         code,
      const char *text,
      const char *problem,
      const char *example)
{
  /* The address may come from anywhere; a message must still be UTF-8. */
  g_autofree char *shown = g_utf8_make_valid (text, -1);
  g_autofree char *problem_shown = g_utf8_make_valid (problem, -1);

  /* TRANSLATORS: the first %s is the address the user gave, the second
   * says what is wrong with it, the third is a valid example. */
  g_set_error (error, PC_ADDRESS_ERROR, code,
               _("Invalid address “%s”: %s. A valid one looks like %s"),
               shown, problem_shown, example);
  return FALSE;
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static gboolean
is_host_name (const char *host)
{
  /* RFC 1123 labels: letters, digits, hyphens, dots; no empty label. */
  gsize len = strlen (host);

  if (len == 0 || len > 253 || host[0] == '.' || host[0] == '-')
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    {
      if (!(g_ascii_isalnum (*p) || *p == '-' || *p == '.'))
        return FALSE;
      if (*p == '.' && p[1] == '.')
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_path (PcAddress  *address,
            const char *text,
            const char *rest,
            GError    **error)
{
  g_autofree char *example = g_strdup_printf ("%s:/run/user/1000/pipecalc/%s",
                                              address->scheme,
                                              g_str_equal (address->scheme, "fifo")
                                              ? "fifo" : "socket");

  /* Accept the URI spelling unix:///path as well as unix:/path. */
  if (g_str_has_prefix (rest, "//"))
    rest += 2;
  if (rest[0] == '\0')
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("the path is missing"), example);
  if (!g_path_is_absolute (rest))
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("the path must be absolute"), example);
  if (!g_utf8_validate (rest, -1, NULL))
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("the path is not valid UTF-8"), example);

  address->path = g_strdup (rest);
  address->text = g_strdup_printf ("%s:%s", address->scheme, rest);
  return TRUE;
}

static gboolean
parse_port (const char *text,
            const char *port_text,
            guint16    *port_out,
            GError    **error)
{
  const char *example = "tcp://localhost:7878";
  guint64 port = 0;

  if (port_text[0] == '\0')
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("the port after “:” is missing"), example);
  for (const char *p = port_text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                   _("the port must be a number"), example);
  if (strlen (port_text) > 5
      || !g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port, NULL))
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("the port must be between 1 and 65535"), example);
  *port_out = (guint16) port;
  return TRUE;
}

static gboolean
parse_tcp (PcAddress  *address,
           const char *text,
           const char *rest,
           GError    **error)
{
  const char *example = "tcp://localhost:7878";
  g_autofree char *authority = NULL;
  g_autofree char *host = NULL;
  const char *slash;
  const char *port_text = NULL;
  guint16 port = PC_DEFAULT_TCP_PORT;

  if (!g_str_has_prefix (rest, "//"))
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("“tcp:” must be followed by “//”"), example);
  rest += 2;
  slash = strchr (rest, '/');
  if (slash != NULL && slash[1] != '\0')
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("a TCP address has no path"), example);
  authority = slash ? g_strndup (rest, slash - rest) : g_strdup (rest);

  if (authority[0] == '[')
    {
      char *close = strchr (authority, ']');

      if (close == NULL)
        return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                     _("the “]” closing the IPv6 address is missing"),
                     "tcp://[::1]:7878");
      host = g_strndup (authority + 1, close - authority - 1);
      if (!g_hostname_is_ip_address (host) || strchr (host, ':') == NULL)
        return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                     _("only an IPv6 address may stand in brackets"),
                     "tcp://[::1]:7878");
      if (close[1] == ':')
        port_text = close + 2;
      else if (close[1] != '\0')
        return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                     _("unexpected text after the IPv6 address"),
                     "tcp://[::1]:7878");
    }
  else
    {
      char *colon = strchr (authority, ':');

      if (colon != NULL && strchr (colon + 1, ':') != NULL)
        return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                     _("an IPv6 address must be written in brackets"),
                     "tcp://[::1]:7878");
      if (colon != NULL)
        {
          *colon = '\0';
          port_text = colon + 1;
        }
      host = g_strdup (authority);
      if (host[0] == '\0')
        return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                     _("the host name is missing"), example);
      if (!g_hostname_is_ip_address (host) && !is_host_name (host))
        return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                     _("the host name contains characters that are not allowed"),
                     example);
    }

  if (port_text != NULL && !parse_port (text, port_text, &port, error))
    return FALSE;

  address->port = port;
  address->text = strchr (host, ':') != NULL
    ? g_strdup_printf ("tcp://[%s]:%u", host, port)
    : g_strdup_printf ("tcp://%s:%u", host, port);
  address->host = g_steal_pointer (&host);
  return TRUE;
}

static gboolean
parse_npipe (PcAddress  *address,
             const char *text,
             const char *rest,
             GError    **error)
{
  const char *example = "npipe://./pipecalc";
  const char *slash;
  g_autofree char *host = NULL;
  const char *name;

  if (!g_str_has_prefix (rest, "//"))
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("“npipe:” must be followed by “//”"), example);
  rest += 2;
  slash = strchr (rest, '/');
  if (slash == NULL || slash == rest)
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("give a host (“.” for this computer) and a pipe name"),
                 example);
  host = g_strndup (rest, slash - rest);
  name = slash + 1;
  if (!g_str_equal (host, ".") && !is_host_name (host))
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("the host name contains characters that are not allowed"),
                 example);
  if (name[0] == '\0')
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("the pipe name is missing"), example);
  if (strpbrk (name, "\\/") != NULL || !g_utf8_validate (name, -1, NULL)
      || g_utf8_strlen (name, -1) > NPIPE_NAME_MAX)
    return fail (error, PC_ADDRESS_ERROR_INVALID, text,
                 _("a pipe name has at most 256 characters and no slashes"),
                 example);

  address->path = g_strdup (name);
  address->text = g_strdup_printf ("npipe://%s/%s", host, name);
  address->host = g_steal_pointer (&host);
  return TRUE;
}

/**
 * pc_address_parse:
 * @text: an address such as `unix:/path`, `tcp://host:port`
 * @error: return location for a #PC_ADDRESS_ERROR
 *
 * Returns: (transfer full): the parsed address, or %NULL with @error set to
 * a message that says what is wrong and shows a valid example.
 */
PcAddress *
pc_address_parse (const char *text,
                  GError    **error)
{
  g_autoptr(PcAddress) address = g_new0 (PcAddress, 1);
  const char *colon;
  gboolean ok;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL || is_blank (text))
    {
      g_set_error (error, PC_ADDRESS_ERROR, PC_ADDRESS_ERROR_INVALID,
                   _("The address is empty. A valid one looks like %s"),
                   "unix:/run/user/1000/pipecalc/socket");
      return NULL;
    }

  colon = strchr (text, ':');
  if (colon == NULL || colon == text)
    {
      fail (error, PC_ADDRESS_ERROR_UNKNOWN_SCHEME, text,
            _("it does not start with a transport (unix:, fifo:, tcp://, npipe://)"),
            "tcp://localhost:7878");
      return NULL;
    }

  address->scheme = g_ascii_strdown (text, colon - text);
  if (g_str_equal (address->scheme, "unix") || g_str_equal (address->scheme, "fifo"))
    ok = parse_path (address, text, colon + 1, error);
  else if (g_str_equal (address->scheme, "tcp"))
    ok = parse_tcp (address, text, colon + 1, error);
  else if (g_str_equal (address->scheme, "npipe"))
    ok = parse_npipe (address, text, colon + 1, error);
  else
    {
      g_autofree char *problem =
        /* TRANSLATORS: %s is a transport name such as "http" */
        g_strdup_printf (_("“%s” is not a known transport (unix, fifo, tcp, npipe)"),
                         address->scheme);
      fail (error, PC_ADDRESS_ERROR_UNKNOWN_SCHEME, text, problem,
            "tcp://localhost:7878");
      ok = FALSE;
    }

  return ok ? g_steal_pointer (&address) : NULL;
}

PcAddress *
pc_address_copy (const PcAddress *address)
{
  PcAddress *copy = g_new0 (PcAddress, 1);

  copy->text = g_strdup (address->text);
  copy->scheme = g_strdup (address->scheme);
  copy->path = g_strdup (address->path);
  copy->host = g_strdup (address->host);
  copy->port = address->port;
  return copy;
}

void
pc_address_free (PcAddress *address)
{
  if (address == NULL)
    return;
  g_free (address->text);
  g_free (address->scheme);
  g_free (address->path);
  g_free (address->host);
  g_free (address);
}

/**
 * pc_address_is_loopback:
 *
 * Returns: %TRUE for addresses only this machine can reach: unix and fifo
 * paths, local named pipes, and TCP on localhost or a loopback literal.
 */
gboolean
pc_address_is_loopback (const PcAddress *address)
{
  if (address->host == NULL)
    return TRUE;
  if (g_str_equal (address->scheme, "npipe"))
    return g_str_equal (address->host, ".");
  if (g_ascii_strcasecmp (address->host, "localhost") == 0)
    return TRUE;
  if (g_hostname_is_ip_address (address->host))
    {
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address->host);

      return inet != NULL && g_inet_address_get_is_loopback (inet);
    }
  return FALSE;
}
