/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

#include "pc-address.h"
#include "pc-runtime-dir.h"
#include "pc-sigpipe.h"
#include "pc-transport.h"

G_BEGIN_DECLS

/* Shared by the files of the fifo module, and private to it:
 * pc-transport-fifo.c (the ops table and the server), pc-fifo-client.c (the
 * client's handshake) and pc-fifo-dir.c (the private directories clients
 * announce, the checks the server makes before it opens anything in them,
 * and their removal). */

/* Inside a client's private directory: the FIFO the client writes and the
 * server reads, and the one the server writes and the client reads. */
#define PC_FIFO_C2S "c2s"
#define PC_FIFO_S2C "s2c"

/* A client's directory is named after the request FIFO plus this mkdtemp
 * suffix ("/run/user/1000/pipecalc/fifo.Ab3xYz"), so it lies in the
 * server's own private directory and a restarted server can find the ones
 * dead clients left. */
#define PC_FIFO_CLIENT_DIR_SUFFIX ".XXXXXX"

/* The announcement a client writes to the request FIFO. */
#define PC_FIFO_HELLO "HELLO "

/* How long a client waits for the server to open its FIFOs. A live server
 * does it within one main-loop iteration of reading the announcement; this
 * only bounds a wedged server, or one that refused the announcement and
 * says nothing, as it must. */
#define PC_FIFO_CONNECT_TIMEOUT_S 10

/* Checks that @address has an absolute path short enough for a client's
 * announcement to fit in PIPE_BUF. Errors in G_IO_ERROR. */
gboolean   pc_fifo_check_address      (const PcAddress  *address,
                                       GError          **error);

/* The connection handed out on both sides: takes both descriptors. */
GIOStream *pc_fifo_stream_new         (int read_fd,
                                       int write_fd);

/* The client side of the ops table. */
void       pc_fifo_connect_async      (const PcAddress      *address,
                                       const PcConnectOptions *options,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GIOStream *pc_fifo_connect_finish     (GAsyncResult         *result,
                                       GError              **error);

/* Checks the directory that holds the request FIFO: a real directory
 * (not a symlink) owned by this user that nobody else may write to.
 * Errors in G_IO_ERROR, naming @address_text and @dir. */
gboolean  pc_fifo_check_parent_dir   (const char  *address_text,
                                      const char  *dir,
                                      GError     **error);

/* Creates a client's private directory next to @request_path (mode 0700)
 * holding the two FIFOs (mode 0600). Returns its path and identity, or
 * %NULL with @error set, having left nothing behind. */
char     *pc_fifo_make_client_dir    (const char  *request_path,
                                      PcFileId    *id,
                                      GError     **error);

/* The server's side of an announcement: checks @dir, which must be a
 * client directory beside the request FIFO @request_path named as
 * pc_fifo_make_client_dir() names them, and opens its FIFOs,
 * server→client for writing first, then client→server for reading, both
 * non-blocking. On success the descriptors are returned and @id identifies
 * the directory for a later pc_fifo_remove_client_dir(). On failure
 * returns %FALSE with a translated @reason for the log, and nothing open;
 * @client_gone says the directory was sound but its client no longer
 * holds its read end (it died), in which case it was removed. Never
 * blocks. */
gboolean  pc_fifo_open_client_dir    (const char  *request_path,
                                      const char  *dir,
                                      PcFileId    *id,
                                      int         *read_fd,
                                      int         *write_fd,
                                      gboolean    *client_gone,
                                      char       **reason);

/* Removes the two FIFOs and the directory @dir, only if @dir still names
 * the directory @id identifies, never following a symlink. Best effort:
 * anything else found in the directory keeps it in place. */
void      pc_fifo_remove_client_dir  (const char     *dir,
                                      const PcFileId *id);

/* Removes what dead processes left next to @request_path: client
 * directories whose client is gone and temporary request FIFOs of servers
 * that died while starting. Best effort, logged. */
void      pc_fifo_sweep_stale        (const char  *request_path);

G_END_DECLS
