/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "pc-address.h"

/* The scheme-independent half of address parsing. What an address of a
 * given scheme looks like is its transport module's business (its
 * parse_address()); pc_transports_parse_address() finds the module. */

G_DEFINE_QUARK (pc-address-error-quark, pc_address_error)

gboolean
pc_address_fail (GError    **error,
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

gboolean
pc_address_is_host_name (const char *host)
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

gboolean
pc_address_host_is_loopback (const char *host)
{
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  if (g_hostname_is_ip_address (host))
    {
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (host);

      return inet != NULL && g_inet_address_get_is_loopback (inet);
    }
  return FALSE;
}

gboolean
pc_address_parse_port (const char *text,
                       const char *port_text,
                       const char *example,
                       guint16    *port_out,
                       GError    **error)
{
  guint64 port = 0;

  if (port_text[0] == '\0')
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("the port after “:” is missing"), example);
  for (const char *p = port_text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                              _("the port must be a number"), example);
  if (strlen (port_text) > 5
      || !g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port, NULL))
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("the port must be between 1 and 65535"), example);
  *port_out = (guint16) port;
  return TRUE;
}

gboolean
pc_address_parse_path (PcAddress  *address,
                       const char *text,
                       const char *rest,
                       const char *example,
                       GError    **error)
{
  /* The URI spelling scheme:///path has an empty authority. */
  if (g_str_has_prefix (rest, "//"))
    rest += 2;
  if (rest[0] == '\0')
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("the path is missing"), example);
  if (!g_path_is_absolute (rest))
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("the path must be absolute"), example);
  if (!g_utf8_validate (rest, -1, NULL))
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("the path is not valid UTF-8"), example);

  address->path = g_strdup (rest);
  /* A path that itself starts with // keeps the empty authority, or the
   * canonical text would lose those two slashes when parsed again. */
  address->text = g_strdup_printf ("%s:%s%s", address->scheme,
                                   g_str_has_prefix (rest, "//") ? "//" : "", rest);
  return TRUE;
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
  copy->tls = address->tls;
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
