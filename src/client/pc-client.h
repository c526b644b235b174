/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-rpc-codes.h"
#include "pc-transport.h"

G_BEGIN_DECLS

#define PC_CLIENT_ERROR (pc_client_error_quark ())

typedef enum
{
  PC_CLIENT_ERROR_NOT_CONNECTED,   /* no connection, or it was lost */
  PC_CLIENT_ERROR_NO_SERVER,       /* nobody answers at the address */
  PC_CLIENT_ERROR_SERVER_FAILED,   /* the private server would not start */
  PC_CLIENT_ERROR_REFUSED,         /* the server answered a call with an error;
                                    * the message is the server's (English) */
  PC_CLIENT_ERROR_BAD_REPLY,       /* the answer is not what the method promises */
  PC_CLIENT_ERROR_UNTRUSTED,       /* the server, or the folder it is in, is not
                                    * one we trust (another user's, a bad
                                    * certificate); the message says which */
  PC_CLIENT_ERROR_AUTH_FAILED,     /* the server refused our access token, or
                                    * wants one and we have none */
} PcClientError;

GQuark pc_client_error_quark (void);

/* What the last value of an evaluation is (the reply's "kind"). */
typedef enum
{
  PC_VALUE_NUMBER,     /* a finite number */
  PC_VALUE_INFINITY,   /* inf or -inf: a division by zero or an overflow */
  PC_VALUE_UNDEFINED,  /* nan: not a real number (sqrt(-1), 0/0) */
} PcValueKind;

/* The outcome of one evaluation. A server that refuses the expression
 * gives an outcome with @error_code set, not a failed call. */
typedef struct
{
  char    *expression;
  double  *values;       /* every result, on success (inf and nan too) */
  guint    n_values;
  char    *text;         /* the values as the server wrote them, on success */
  char    *exact;        /* on success, the last value's exact decimal digits
                          * when it is a whole number ("18446744073709551616"
                          * for 2^64), else NULL */
  PcValueKind kind;      /* on success, what the last value is */
  int      error_code;   /* 0 on success, else a PcRpcErrorCode */
  char    *reason;       /* data.reason of error 1000, data.limit of 1002, or NULL */
  char    *message;      /* the server's English message, or NULL */
  int      error_pos;    /* character position, -1 if none */
  char    *error_token;  /* or NULL */
  char    *raw;          /* the reply line as received, without newline */
} PcEvalOutcome;

void pc_eval_outcome_free (PcEvalOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcEvalOutcome, pc_eval_outcome_free)

/* The outcome of one `sample` call. A server that refuses the expression
 * (error 1000: does not parse, unknown name, several results...) gives an
 * outcome with @error_code set, as for eval; bad parameters (points,
 * from/to, var) are a failed call (PC_CLIENT_ERROR_REFUSED). */
typedef struct
{
  char    *expression;
  char    *variable;
  double   from, to, step;
  double  *values;       /* n_values of them; NAN where the server wrote null */
  guint    n_values;
  int      error_code;   /* 0 on success, else a PcRpcErrorCode */
  char    *reason;       /* data.reason of error 1000, data.limit of 1002, or NULL */
  char    *message;      /* the server's English message, or NULL */
  int      error_pos;    /* character position, -1 if none */
  char    *error_token;  /* or NULL */
} PcSampleOutcome;

void pc_sample_outcome_free (PcSampleOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcSampleOutcome, pc_sample_outcome_free)

/* The limits a server announces; -1 for any it does not. */
typedef struct
{
  gint64 max_line;        /* bytes per request line */
  gint64 max_clients;
  gint64 idle_timeout;    /* seconds; 0: never */
  gint64 max_expression;  /* bytes per expression */
  gint64 max_batch;       /* calls per batch */
  gint64 max_variables;   /* variables per session */
  gint64 vars_page;       /* variables per `vars` reply */
} PcServerLimits;

/* What the server says of itself (the `info` method). A string it does
 * not give is %NULL, a number -1. */
typedef struct
{
  char           *server;
  char           *version;
  gint64          protocol;
  char           *muparser;
  char           *transport;
  PcServerLimits  limits;
} PcServerInfo;

void pc_server_info_free (PcServerInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcServerInfo, pc_server_info_free)

#define PC_TYPE_CLIENT (pc_client_get_type ())
G_DECLARE_FINAL_TYPE (PcClient, pc_client, PC, CLIENT, GObject)

/* An asynchronous connection to a pipecalcd, used by the CLI and the GUI.
 * Calls may be issued before earlier ones are answered (pipelining);
 * replies are matched by id. Signals:
 *   "disconnected" (const char *reason): the connection was lost; pending
 *     calls fail with PC_CLIENT_ERROR_NOT_CONNECTED.
 *   "log" (const char *line): a line the embedded server wrote.
 *   "event" (const char *text): what became of the private server (started,
 *     with its pid; stopped, with how), in the client's words. */
PcClient   *pc_client_new            (PcTransports         *transports);
/* Seconds a call may wait for its reply; 0 waits for ever. */
void        pc_client_set_timeout    (PcClient             *self,
                                      guint                 seconds);

/* Whom the next connections trust besides the user's own servers: a
 * local server run by @uid (-1: none, the default). */
void        pc_client_set_allowed_server_uid (PcClient   *self,
                                              gint64      uid);
/* A PEM file of the certificate authorities a TLS server's certificate
 * must chain to (%NULL: the system's trust store). */
void        pc_client_set_tls_ca_file        (PcClient   *self,
                                              const char *path);
/* The access token presented with `auth` right after each connection is
 * made, before any other call (%NULL: none). Copied. */
void        pc_client_set_token              (PcClient   *self,
                                              const char *token);

/* Connects to @address, or with %NULL to the default local address. When
 * nobody answers and @start_private is set, starts a private pipecalcd
 * (stopped when the client is closed) and connects to it: for the default
 * address on an address of its own, for another address on this machine
 * (another transport's, tcp on loopback) on that address; never for a
 * remote one. */
void        pc_client_connect_async  (PcClient             *self,
                                      const char           *address,
                                      gboolean              start_private,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean    pc_client_connect_finish (PcClient             *self,
                                      GAsyncResult         *result,
                                      GError              **error);
/* Connecting fails with PC_CLIENT_ERROR_UNTRUSTED when the transport
 * refuses the server (another user's, an untrusted folder or
 * certificate): never falls back to a private server then; with
 * PC_CLIENT_ERROR_AUTH_FAILED when a token was set and the server
 * refused it. */
/* The address connected to, and whether it is the private server's. */
const char *pc_client_get_address    (PcClient             *self);
gboolean    pc_client_is_private     (PcClient             *self);
gboolean    pc_client_is_connected   (PcClient             *self);

/* The protocol's methods as typed calls. Each fails with @error only
 * when the call could not be made or answered: not connected, timed out,
 * cancelled, lost (PC_CLIENT_ERROR_NOT_CONNECTED), a server error
 * (PC_CLIENT_ERROR_REFUSED), or an answer of the wrong shape
 * (PC_CLIENT_ERROR_BAD_REPLY). An expression the server cannot evaluate
 * is not a failure of eval: its outcome says why. */
void           pc_client_eval_async       (PcClient             *self,
                                           const char           *expression,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
PcEvalOutcome *pc_client_eval_finish      (PcClient             *self,
                                           GAsyncResult         *result,
                                           GError              **error);

void           pc_client_info_async       (PcClient             *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
PcServerInfo  *pc_client_info_finish      (PcClient             *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* Presents an access token. %TRUE when the server accepts it; a refusal
 * (error 1003) is %FALSE with PC_CLIENT_ERROR_REFUSED and the server's
 * message, a reply of another shape PC_CLIENT_ERROR_BAD_REPLY. */
void           pc_client_auth_async       (PcClient             *self,
                                           const char           *token,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean       pc_client_auth_finish      (PcClient             *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* Samples @expression at @points evenly spaced values of @variable (%NULL:
 * "x") from @from to @to, both included. The session's variables and
 * functions are visible; the session is left as it was. Cancelling drops
 * the reply when it comes. */
void             pc_client_sample_async  (PcClient            *self,
                                          const char          *expression,
                                          const char          *variable,
                                          double               from,
                                          double               to,
                                          guint                points,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
PcSampleOutcome *pc_client_sample_finish (PcClient            *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* One page of a session's variables (`vars` with "limit" and "after"):
 * names in order, with their values (NAN where the server wrote null: a
 * value that is not finite, which `vars` cannot tell apart). */
typedef struct
{
  guint    n_variables;
  char   **names;        /* n_variables of them, %NULL-terminated */
  double  *values;
  char    *next;         /* pass as @after for the next page; %NULL after the last */
} PcVarsPage;

void pc_vars_page_free (PcVarsPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcVarsPage, pc_vars_page_free)

/* Up to @limit (1 to the server's vars_page) variables after the name
 * @after (%NULL: from the first), in name order, `ans` included. */
void           pc_client_vars_async       (PcClient             *self,
                                           const char           *after,
                                           guint                 limit,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
PcVarsPage    *pc_client_vars_finish      (PcClient             *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* One entry of the `functions` catalogue: a built-in function (with its
 * English description) or one of the session's own (with the text of its
 * definition). @args is -1 for a varying number. */
typedef struct
{
  char *name;
  int   args;
  char *description;     /* built-in functions; else %NULL */
  char *text;            /* user functions: "f(x) = x^2"; else %NULL */
} PcFunctionInfo;

void pc_function_info_free (PcFunctionInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcFunctionInfo, pc_function_info_free)

/* The whole `functions` reply. Entries without a name are left out. */
typedef struct
{
  GPtrArray *functions;  /* PcFunctionInfo*: the server's built-in ones */
  GPtrArray *user;       /* PcFunctionInfo*: this session's, in name order */
  GPtrArray *operators;  /* char* */
  GPtrArray *constant_names;   /* char* */
  GArray    *constant_values;  /* double, as many */
} PcCatalog;

void pc_catalog_free (PcCatalog *catalog);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcCatalog, pc_catalog_free)

void           pc_client_catalog_async    (PcClient             *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
PcCatalog     *pc_client_catalog_finish   (PcClient             *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* Removes the variable or user function @name (`unset`); a name the
 * session does not have is PC_CLIENT_ERROR_REFUSED. */
void           pc_client_unset_async      (PcClient             *self,
                                           const char           *name,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean       pc_client_unset_finish     (PcClient             *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* Forgets every variable and user function of the session (`reset`). */
void           pc_client_reset_async      (PcClient             *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean       pc_client_reset_finish     (PcClient             *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* G_IO_ERROR_TIMED_OUT, worded as every call that waited @seconds for its
 * reply in vain is. */
GError     *pc_client_timeout_error_new (guint                 seconds);

/* Closes the connection and stops the private server, if any. */
void        pc_client_close          (PcClient             *self);

G_END_DECLS
