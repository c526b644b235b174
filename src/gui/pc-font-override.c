/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "pc-font-override.h"

static gboolean
valid_family (const char *family)
{
  if (family[0] == '\0' || strlen (family) > 64)
    return FALSE;
  for (const char *p = family; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != ' ' && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

void
pc_font_override_apply (void)
{
  const char *family = g_getenv ("PIPECALC_FONT");
  g_autoptr(GtkCssProvider) provider = NULL;
  g_autofree char *css = NULL;
  GdkScreen *screen = gdk_screen_get_default ();

  if (family == NULL || screen == NULL)
    return;
  if (!valid_family (family))
    {
      g_message ("PIPECALC_FONT is not a font family name; ignored");
      return;
    }
  /* Quoted: the CSS parser then reads the name as one string. */
  css = g_strdup_printf ("* { font-family: \"%s\"; }", family);
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css, -1, NULL);
  gtk_style_context_add_provider_for_screen (screen, GTK_STYLE_PROVIDER (provider),
                                             GTK_STYLE_PROVIDER_PRIORITY_USER);
}
