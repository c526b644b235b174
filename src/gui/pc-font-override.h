/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For tests only: $PIPECALC_FONT names one font family every widget then
 * uses, through a CSS rule above the theme's. The window under wine needs
 * it (docs/windows.md): pango-win32 there finds only the DejaVu families,
 * and GTK's Windows default (Segoe UI) draws every glyph as a box. A real
 * Windows has Segoe UI, so the product keeps GTK's default. A name with
 * characters other than letters, digits, blanks, '-' and '_' is refused
 * with a message. Call once the display is open (after startup). */
void pc_font_override_apply (void);

G_END_DECLS
