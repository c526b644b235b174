/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where the window keeps the access token of its remote server: in the
 * user's keyring (the Secret Service, through libsecret) when the build
 * has libsecret and a keyring answers, else in a file only the user may
 * read ($XDG_CONFIG_HOME/pipecalc/access-token, mode 0600). Never in
 * GSettings, which anyone who can read the user's dconf database sees in
 * clear. Every call is asynchronous: the keyring is a D-Bus service. */

/* The token, or %NULL with no error when none is stored. */
void      pc_secret_lookup_async  (GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
char     *pc_secret_lookup_finish (GAsyncResult         *result,
                                   GError              **error);

/* Stores @token (labelled with @address in the keyring); %NULL or an
 * empty token forgets it. @callback may be %NULL: a failure is then
 * logged as a warning. */
void      pc_secret_store_async   (const char           *address,
                                   const char           *token,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean  pc_secret_store_finish  (GAsyncResult         *result,
                                   GError              **error);

/* The file used without a keyring. Newly allocated. */
char     *pc_secret_file_path     (void);

G_END_DECLS
