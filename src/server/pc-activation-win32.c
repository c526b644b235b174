/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalcd"
#include "config.h"

#include "pc-activation.h"

/* Windows has no socket activation: nothing is ever passed. */
GPtrArray *
pc_activation_take_sockets (GError **error)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) pc_passed_socket_free);
}

char *
pc_activation_socket_address (const PcPassedSocket  *passed,
                              GError               **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "socket activation is not available on Windows");
  return NULL;
}
