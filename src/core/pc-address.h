/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * PcAddress:
 * @text: the canonical form, e.g. `tcp://[::1]:7878`
 * @scheme: the transport's scheme, lower case
 * @path: what the transport names inside the address: a file path, a
 *   pipe name; %NULL when it has none
 * @host: host name or literal without brackets; %NULL when the transport
 *   has no host part
 * @port: the port, 0 when the transport has none
 * @tls: the connection is to be made with TLS (`tcp://host:port?tls=1`);
 *   only transports with PC_TRANSPORT_FLAG_TLS set it
 *
 * An address parsed and validated once, by pc_transports_parse_address()
 * and the parse_address() of the transport it names. Transport plugins
 * fill and read the fields directly, so this struct is part of the plugin
 * ABI.
 */
typedef struct
{
  char *text;
  char *scheme;
  char *path;
  char *host;
  guint16 port;
  gboolean tls;
} PcAddress;

#define PC_ADDRESS_ERROR (pc_address_error_quark ())

typedef enum
{
  PC_ADDRESS_ERROR_INVALID,
  PC_ADDRESS_ERROR_UNKNOWN_SCHEME,
} PcAddressError;

GQuark     pc_address_error_quark (void);
PcAddress *pc_address_copy        (const PcAddress  *address);
void       pc_address_free        (PcAddress        *address);

/* Helpers for the parse_address() of transport modules, so that every
 * module words its messages alike. Plain functions, no state. */

/* Sets @error to "Invalid address “@text”: @problem. A valid one looks
 * like @example" (translated; @text and @problem made valid UTF-8) in
 * PC_ADDRESS_ERROR with @code. Always returns %FALSE. */
gboolean   pc_address_fail            (GError     **error,
                                       int          code,
                                       const char  *text,
                                       const char  *problem,
                                       const char  *example);

/* Whether @host is an RFC 1123 host name: letters, digits, hyphens and
 * dots, no empty label, at most 253 characters. */
gboolean   pc_address_is_host_name    (const char  *host);

/* Whether @host is "localhost" or a loopback IPv4/IPv6 literal. */
gboolean   pc_address_host_is_loopback (const char *host);

/* Parses @port_text, the digits after the ":" of @text, into @port
 * (1…65535); otherwise fails with a message naming the problem and showing
 * @example. */
gboolean   pc_address_parse_port      (const char  *text,
                                       const char  *port_text,
                                       const char  *example,
                                       guint16     *port,
                                       GError     **error);

/* The path form shared by transports whose address is a file
 * (`scheme:/absolute/path`, also spelt `scheme:///absolute/path`): @rest
 * is what follows "scheme:". The path is taken literally, not
 * %-decoded: it names a file, and file names may hold “%”, “#” or “?”.
 * Fills @address->path and @address->text. */
gboolean   pc_address_parse_path      (PcAddress   *address,
                                       const char  *text,
                                       const char  *rest,
                                       const char  *example,
                                       GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcAddress, pc_address_free)

G_END_DECLS
