/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>
#include <gmodule.h>
#include <glib/gi18n-lib.h>

#include "pc-line-reader.h"
#include "pc-paths.h"
#include "pc-transport.h"

G_DEFINE_QUARK (pc-transport-error-quark, pc_transport_error)

/* Module files are named like libpctransport-unix.so. */
#define MODULE_PREFIX "libpctransport-"

struct _PcTransports
{
  GHashTable *by_scheme;  /* scheme -> const PcTransportOps*, first found wins */
  GPtrArray  *ordered;    /* const PcTransportOps*, in load order */
  GPtrArray  *warnings;   /* char*, NULL-terminated: modules refused and why */
};

/* "unix, tcp", with @suffix after each scheme. */
static char *
known_schemes (PcTransports *self,
               const char   *suffix)
{
  GString *known = g_string_new (NULL);

  for (guint i = 0; i < self->ordered->len; i++)
    {
      const PcTransportOps *one = g_ptr_array_index (self->ordered, i);

      g_string_append_printf (known, "%s%s%s", i ? ", " : "", one->scheme, suffix);
    }
  return g_string_free (known, FALSE);
}

static gboolean
check_ops (const PcTransportOps *ops,
           const char           *file,
           GError              **error)
{
  if (ops == NULL)
    {
      g_set_error (error, PC_TRANSPORT_ERROR, PC_TRANSPORT_ERROR_BAD_MODULE,
                   _("Transport module %s returned no operations table"), file);
      return FALSE;
    }
  if (ops->abi_version != PC_TRANSPORT_ABI_VERSION)
    {
      g_set_error (error, PC_TRANSPORT_ERROR, PC_TRANSPORT_ERROR_BAD_MODULE,
                   _("Transport module %s was built for plugin ABI %u, but this program uses ABI %u; rebuild the module"),
                   file, ops->abi_version, PC_TRANSPORT_ABI_VERSION);
      return FALSE;
    }
  if (ops->scheme == NULL || ops->display_name == NULL || ops->example == NULL
      || ops->parse_address == NULL || ops->listen == NULL
      || ops->close_listener == NULL || ops->connect_async == NULL
      || ops->connect_finish == NULL)
    {
      g_set_error (error, PC_TRANSPORT_ERROR, PC_TRANSPORT_ERROR_BAD_MODULE,
                   _("Transport module %s lacks a required operation (scheme, display name, example, parse address, listen, close, connect)"),
                   file);
      return FALSE;
    }
  if (((ops->flags & PC_TRANSPORT_FLAG_REMOTE)
       && (ops->is_loopback == NULL || ops->compose_address == NULL))
      || ((ops->flags & PC_TRANSPORT_FLAG_LOCAL) && ops->private_address == NULL))
    {
      g_set_error (error, PC_TRANSPORT_ERROR, PC_TRANSPORT_ERROR_BAD_MODULE,
                   _("Transport module %s lacks an operation its flags require (remote: loopback check and address composer; local: private address)"),
                   file);
      return FALSE;
    }
  return TRUE;
}

static void
load_module (PcTransports *self,
             const char   *path)
{
  g_autoptr(GError) error = NULL;
  PcTransportEntryFunc entry = NULL;
  const PcTransportOps *ops;
  GModule *module;

  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_ptr_array_add (self->warnings,
                       g_strdup_printf (_("Cannot load transport module %s: %s"),
                                        path, g_module_error ()));
      return;
    }
  if (!g_module_symbol (module, PC_TRANSPORT_ENTRY_POINT, (gpointer *) &entry)
      || entry == NULL)
    {
      g_ptr_array_add (self->warnings,
                       g_strdup_printf (_("Transport module %s does not export %s"),
                                        path, PC_TRANSPORT_ENTRY_POINT));
      g_module_close (module);
      return;
    }
  ops = entry ();
  if (!check_ops (ops, path, &error))
    {
      g_ptr_array_add (self->warnings, g_strdup (error->message));
      g_module_close (module);
      return;
    }
  if (g_hash_table_contains (self->by_scheme, ops->scheme))
    {
      /* An earlier folder in the search path overrides this one. */
      g_module_close (module);
      return;
    }
  /* Modules are never unloaded: their tables and code are referenced by
   * listeners and streams for the life of the process. */
  g_module_make_resident (module);
  g_hash_table_insert (self->by_scheme, (gpointer) ops->scheme, (gpointer) ops);
  g_ptr_array_add (self->ordered, (gpointer) ops);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
scan_dir (PcTransports *self,
          const char   *dir_path,
          int           depth)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* Sorted, so the load order does not depend on the file system. */
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *entry = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir_path, entry, NULL);

      /* The build tree keeps each module in its own folder
       * (transports/unix/...), so look one level down too. */
      if (depth == 0 && g_file_test (path, G_FILE_TEST_IS_DIR))
        scan_dir (self, path, depth + 1);
      else if (g_str_has_prefix (entry, MODULE_PREFIX)
               && g_str_has_suffix (entry, "." G_MODULE_SUFFIX))
        load_module (self, path);
    }
}

/**
 * pc_transports_load_from:
 * @dirs: folders to scan, in order; a scheme found in an earlier folder
 *   wins
 *
 * Returns: (transfer full): the transports found, or %NULL with
 * PC_TRANSPORT_ERROR_NONE_LOADED when there is none at all.
 */
PcTransports *
pc_transports_load_from (const char * const *dirs,
                         GError            **error)
{
  g_autoptr(PcTransports) self = g_new0 (PcTransports, 1);

  self->by_scheme = g_hash_table_new (g_str_hash, g_str_equal);
  self->ordered = g_ptr_array_new ();
  self->warnings = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; dirs[i] != NULL; i++)
    scan_dir (self, dirs[i], 0);
  g_ptr_array_add (self->warnings, NULL);

  if (self->ordered->len == 0)
    {
      g_autofree char *where = g_strjoinv (G_SEARCHPATH_SEPARATOR_S, (char **) dirs);

      g_set_error (error, PC_TRANSPORT_ERROR, PC_TRANSPORT_ERROR_NONE_LOADED,
                   _("No transport modules found in %s (set PIPECALC_TRANSPORT_PATH to the folder holding libpctransport-*.%s)"),
                   where, G_MODULE_SUFFIX);
      return NULL;
    }
  return g_steal_pointer (&self);
}

PcTransports *
pc_transports_load (GError **error)
{
  g_auto(GStrv) dirs = pc_paths_transport_dirs ();

  return pc_transports_load_from ((const char * const *) dirs, error);
}

void
pc_transports_free (PcTransports *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->by_scheme, g_hash_table_unref);
  g_clear_pointer (&self->ordered, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_free (self);
}

const PcTransportOps *
pc_transports_lookup (PcTransports *self,
                      const char   *scheme,
                      GError      **error)
{
  const PcTransportOps *ops = g_hash_table_lookup (self->by_scheme, scheme);

  if (ops == NULL)
    {
      g_autofree char *known = known_schemes (self, "");

      g_set_error (error, PC_TRANSPORT_ERROR, PC_TRANSPORT_ERROR_NOT_FOUND,
                   _("The “%s” transport is not available here (available: %s)"),
                   scheme, known);
    }
  return ops;
}

/* Returns: (transfer container): the loaded transports in load order. */
GPtrArray *
pc_transports_list (PcTransports *self)
{
  return g_ptr_array_copy (self->ordered, NULL, NULL);
}

/* Returns: the reasons modules were refused, %NULL-terminated. */
const char * const *
pc_transports_warnings (PcTransports *self)
{
  return (const char * const *) self->warnings->pdata;
}

const char *
pc_transport_display_name (const PcTransportOps *ops)
{
  return g_dgettext (GETTEXT_PACKAGE, ops->display_name);
}

/* The label of the name field a remote address of this transport has
 * ("Pipe name"), translated; %NULL when its remote addresses have none. */
const char *
pc_transport_name_label (const PcTransportOps *ops)
{
  return ops->name_label != NULL ? g_dgettext (GETTEXT_PACKAGE, ops->name_label) : NULL;
}

/**
 * pc_transport_is_loopback:
 * @address: an address parsed for @ops
 *
 * Returns: %TRUE for addresses only this machine can reach: every address
 * of a transport that cannot reach other machines, and those the
 * transport itself says are loopback.
 */
gboolean
pc_transport_is_loopback (const PcTransportOps *ops,
                          const PcAddress      *address)
{
  if (ops->is_loopback == NULL)
    return !(ops->flags & PC_TRANSPORT_FLAG_REMOTE);
  return ops->is_loopback (address);
}

/**
 * pc_transports_default_local:
 *
 * Returns: the platform's default local transport (the first loaded with
 * PC_TRANSPORT_FLAG_DEFAULT_LOCAL), or %NULL when none is loaded.
 */
const PcTransportOps *
pc_transports_default_local (PcTransports *self)
{
  for (guint i = 0; i < self->ordered->len; i++)
    {
      const PcTransportOps *ops = g_ptr_array_index (self->ordered, i);

      if (ops->flags & PC_TRANSPORT_FLAG_DEFAULT_LOCAL)
        return ops;
    }
  return NULL;
}

/* The example shown when no transport is known yet: one that reaches a
 * server wherever it is and takes a host and a port (which is what
 * "localhost:7878" and such meant), else one that reaches it wherever it
 * is, else the default local one, else the first. */
static const char *
any_example (PcTransports *self,
             gboolean      prefer_local)
{
  const PcTransportOps *local = pc_transports_default_local (self);
  const PcTransportFlags anywhere = PC_TRANSPORT_FLAG_LOCAL | PC_TRANSPORT_FLAG_REMOTE;

  if (prefer_local && local != NULL)
    return local->example;
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->ordered->len; i++)
      {
        const PcTransportOps *ops = g_ptr_array_index (self->ordered, i);

        if ((ops->flags & anywhere) == anywhere && (pass == 1 || ops->default_port != 0))
          return ops->example;
      }
  if (local != NULL)
    return local->example;
  return ((const PcTransportOps *) g_ptr_array_index (self->ordered, 0))->example;
}

/**
 * pc_transports_parse_address:
 * @text: an address such as `unix:/path`, `tcp://host:port`
 * @error: return location for a #PC_ADDRESS_ERROR
 *
 * Finds the scheme with GUri's rules (a letter, then letters, digits,
 * "+", "-", "."), and hands the rest to the parse_address() of the
 * transport loaded for it.
 *
 * Returns: (transfer full): the parsed address, or %NULL with @error set to
 * a message that says what is wrong and shows a valid example:
 * PC_ADDRESS_ERROR_UNKNOWN_SCHEME when no loaded transport has the
 * scheme, PC_ADDRESS_ERROR_INVALID when its transport refuses the rest.
 */
PcAddress *
pc_transports_parse_address (PcTransports *self,
                             const char   *text,
                             GError      **error)
{
  g_autoptr(PcAddress) address = NULL;
  g_autofree char *scheme = NULL;
  const PcTransportOps *ops;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL || pc_line_is_blank (text, -1))
    {
      g_set_error (error, PC_ADDRESS_ERROR, PC_ADDRESS_ERROR_INVALID,
                   _("The address is empty. A valid one looks like %s"),
                   any_example (self, TRUE));
      return NULL;
    }

  scheme = g_uri_parse_scheme (text);
  if (scheme == NULL)
    {
      g_autofree char *known = known_schemes (self, ":");
      /* TRANSLATORS: %s lists the transports loaded: "unix:, tcp:" */
      g_autofree char *problem = g_strdup_printf (_("it does not start with a transport (%s)"),
                                                  known);

      pc_address_fail (error, PC_ADDRESS_ERROR_UNKNOWN_SCHEME, text, problem,
                       any_example (self, FALSE));
      return NULL;
    }

  address = g_new0 (PcAddress, 1);
  address->scheme = g_ascii_strdown (scheme, -1);
  ops = g_hash_table_lookup (self->by_scheme, address->scheme);
  if (ops == NULL)
    {
      g_autofree char *known = known_schemes (self, "");
      g_autofree char *problem =
        /* TRANSLATORS: the first %s is a transport name such as "http",
         * the second lists the transports loaded: "unix, tcp" */
        g_strdup_printf (_("“%s” is not a known transport (%s)"), address->scheme, known);

      pc_address_fail (error, PC_ADDRESS_ERROR_UNKNOWN_SCHEME, text, problem,
                       any_example (self, FALSE));
      return NULL;
    }

  if (!ops->parse_address (address, text, text + strlen (scheme) + 1, error))
    return NULL;
  g_assert (address->text != NULL);
  return g_steal_pointer (&address);
}
