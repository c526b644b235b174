/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>

#include "pc-fuzz.h"
#include "pc-transport.h"

/* Addresses as a user or a configuration file gives them, through
 * pc_transports_parse_address() and the parse_address() of the real
 * transport modules of the build (unix, fifo, tcp). The input up to its
 * first NUL is the address. An address that parses must have a canonical
 * text that parses back to the same address (the contract of
 * parse_address); its transport must say whether it is loopback without
 * failing. After the first NUL, two more NUL-separated fields are a host
 * and a name given to every transport's compose_address(), whose text is
 * parsed in turn, as the connection dialog does. */

static PcTransports *transports;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;

  pc_fuzz_init ();
  pc_fuzz_use_build_transports ();
  transports = pc_transports_load (&error);
  if (transports == NULL)
    g_error ("address: no transport modules: %s", error->message);
  return 0;
}

static gboolean
same_address (const PcAddress *a,
              const PcAddress *b)
{
  return g_strcmp0 (a->text, b->text) == 0 && g_strcmp0 (a->scheme, b->scheme) == 0
    && g_strcmp0 (a->path, b->path) == 0 && g_strcmp0 (a->host, b->host) == 0
    && a->port == b->port;
}

static void
parse_and_check (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again_error = NULL;
  PcAddress *address = pc_transports_parse_address (transports, text, &error);
  PcAddress *again;
  const PcTransportOps *ops;

  if (address == NULL)
    {
      if (error == NULL || (error->domain != PC_ADDRESS_ERROR && error->domain != PC_TRANSPORT_ERROR))
        g_error ("address: “%.200s” failed without an address error", text);
      if (!g_utf8_validate (error->message, -1, NULL))
        g_error ("address: the message for “%.200s” is not UTF-8", text);
      return;
    }
  if (address->text == NULL || address->scheme == NULL)
    g_error ("address: “%.200s” parsed without text or scheme", text);
  again = pc_transports_parse_address (transports, address->text, &again_error);
  if (again == NULL)
    g_error ("address: “%.200s” parsed as “%s”, which does not parse: %s", text,
             address->text, again_error->message);
  if (!same_address (address, again))
    g_error ("address: “%.200s” parsed as “%s”, which parses as another address “%s”",
             text, address->text, again->text);
  ops = pc_transports_lookup (transports, address->scheme, NULL);
  if (ops == NULL)
    g_error ("address: “%.200s” parsed for a scheme without a module", text);
  pc_transport_is_loopback (ops, address);
  pc_address_free (again);
  pc_address_free (address);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *copy = g_malloc (size + 3);
  const char *text = copy, *host, *name;
  g_autoptr(GPtrArray) modules = NULL;
  gsize end;

  /* Three NUL-terminated fields, the missing ones empty. */
  if (size > 0)
    memcpy (copy, data, size);
  memset (copy + size, 0, 3);
  parse_and_check (text);

  end = strlen (text);
  if (end >= size)
    return 0;
  host = text + end + 1;
  name = host + strlen (host) + 1;
  if (name > copy + size)
    name = "";
  modules = pc_transports_list (transports);
  for (guint i = 0; i < modules->len; i++)
    {
      const PcTransportOps *ops = modules->pdata[i];
      g_autofree char *composed = NULL;

      if (ops->compose_address == NULL)
        continue;
      composed = ops->compose_address (host[0] != '\0' ? host : NULL,
                                       (guint) (size * 257 % 70000), name,
                                       (ops->flags & PC_TRANSPORT_FLAG_TLS) != 0 && size % 2 == 1);
      if (composed == NULL)
        g_error ("address: compose_address of %s returned nothing", ops->scheme);
      parse_and_check (composed);
    }
  return 0;
}
