/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers
 *
 * A libintl that does not translate: every call returns the text it was
 * given. It lets GLib and pipecalc build for Windows without gettext's
 * whole source tree; the Windows programs speak English until a real
 * libintl replaces this one (docs/windows.md). */
#pragma once

#include <locale.h>

/* The Windows C runtime has no LC_MESSAGES category. */
#ifndef LC_MESSAGES
#define LC_MESSAGES 1729
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* format_arg lets -Wformat=2 check printf formats through _(). */
char *gettext (const char *msgid) __attribute__ ((format_arg (1)));
char *dgettext (const char *domain, const char *msgid)
  __attribute__ ((format_arg (2)));
char *dcgettext (const char *domain, const char *msgid, int category)
  __attribute__ ((format_arg (2)));
char *ngettext (const char *msgid, const char *msgid_plural,
                unsigned long n)
  __attribute__ ((format_arg (1))) __attribute__ ((format_arg (2)));
char *dngettext (const char *domain, const char *msgid,
                 const char *msgid_plural, unsigned long n)
  __attribute__ ((format_arg (2))) __attribute__ ((format_arg (3)));
char *dcngettext (const char *domain, const char *msgid,
                  const char *msgid_plural, unsigned long n, int category)
  __attribute__ ((format_arg (2))) __attribute__ ((format_arg (3)));
char *textdomain (const char *domain);
char *bindtextdomain (const char *domain, const char *dirname);
char *bind_textdomain_codeset (const char *domain, const char *codeset);

#ifdef __cplusplus
}
#endif
