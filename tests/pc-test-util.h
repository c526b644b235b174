/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-transport.h"

G_BEGIN_DECLS

/* Shared by the integration tests: a real pipecalcd as a subprocess on a
 * private folder or an ephemeral port, and blocking clients that connect
 * through the same transport plugins the programs use. */

typedef struct
{
  GSubprocess *process;
  char        *address;
  char        *runtime_dir;  /* the server's XDG_RUNTIME_DIR, removed at the end */
} PcTestServer;

PcTransports *pc_test_transports        (void);
/* A fresh address for @scheme: its module's private_address(@dir). */
char         *pc_test_address           (const char   *scheme,
                                         const char   *dir);
/* Starts pipecalcd with --listen @address plus @extra_args and waits until
 * it answers. Fails the test if it does not within 10 s. */
PcTestServer *pc_test_server_start      (const char   *address,
                                         const char * const *extra_args);
/* For g_subprocess_launcher_set_child_setup(): a server outlives a test
 * that aborts otherwise; the kernel stops it when the test program dies
 * (Linux). */
void          pc_test_die_with_parent   (gpointer      user_data);
/* Waits until @address accepts a connection. Fails the test if @process
 * exits first, or after 10 s. */
void          pc_test_wait_accepting    (const char   *address,
                                         GSubprocess  *process);
/* SIGTERM, then waits; returns the exit status. */
int           pc_test_server_stop       (PcTestServer *server);
void          pc_test_server_free       (PcTestServer *server);
/* A line of the running server's /proc/PID/status ("VmHWM:"), in kB;
 * Linux only. */
gint64        pc_test_server_status_kb  (PcTestServer *server,
                                         const char   *field);

/* A blocking connection made with the transport's own connect_async on a
 * private main context, so it works from any thread. %NULL on failure. */
GIOStream    *pc_test_connect           (const char   *address,
                                         GError      **error);
void          pc_test_send              (GIOStream    *stream,
                                         const char   *text);
/* Reads one reply line (without \n); NULL on EOF. Fails after 30 s. */
char         *pc_test_read_line         (GIOStream    *stream);
/* send + read_line */
char         *pc_test_ask               (GIOStream    *stream,
                                         const char   *line);

/* Runs a program to completion with @env_overrides ("NAME=VALUE"). */
int           pc_test_run               (const char * const *argv,
                                         const char * const *env_overrides,
                                         const char   *input,
                                         char        **out,
                                         char        **err);

/* The build's pipecalcd and pipecalc-cli. */
/* Removes what @path holds (not following symbolic links), and with
 * _tree the folder itself. */
void          pc_test_remove_contents   (const char   *path);
void          pc_test_remove_tree       (const char   *path);
const char   *pc_test_server_path       (void);
const char   *pc_test_cli_path          (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcTestServer, pc_test_server_free)

G_END_DECLS
