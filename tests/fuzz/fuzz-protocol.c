/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>

#include "pc-fuzz.h"
#include "pc-methods.h"
#include "pc-protocol.h"

/* The server side of the protocol, wired as src/server/pc-session.c wires
 * it: pc_protocol_handle_line() with the methods of pc-methods.c on a real
 * evaluator, so plain mode, the eval fast path, JSON-RPC calls,
 * notifications, batches and every method are reached. Each line of the
 * input is one request, in order, on one session.
 *
 * Two sessions run side by side, one with the eval fast path and one
 * without: their replies must be the same bytes (the fast path promises
 * exactly what the general path writes). Every reply must end in a
 * newline, be valid UTF-8, and in JSON mode be JSON-RPC 2.0. */

typedef struct
{
  PcEvaluator *evaluator;
} Session;

static const PcMethodsServer server = {
  .transport = "unix",
  .max_line = PC_PROTOCOL_DEFAULT_MAX_LINE,
  .max_clients = 512,
  .idle_timeout = 0,
};

static void
plain_cb (gpointer    user_data,
          const char *expr,
          GString    *out)
{
  Session *session = user_data;

  pc_methods_plain (session->evaluator, expr, out);
}

static json_t *
call_cb (gpointer    user_data,
         const char *method,
         json_t     *params,
         PcRpcError *error)
{
  Session *session = user_data;

  return pc_methods_call (session->evaluator, &server, method, params, error);
}

static void
eval_cb (gpointer    user_data,
         const char *expr,
         GString    *out)
{
  Session *session = user_data;

  pc_methods_eval_json (session->evaluator, expr, out);
}

static const PcRequestHandler fast_handler = {
  .plain = plain_cb,
  .call = call_cb,
  .eval = eval_cb,
};

static const PcRequestHandler general_handler = {
  .plain = plain_cb,
  .call = call_cb,
};

static gboolean
is_json_line (const char *line,
              gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')
        continue;
      return line[i] == '{' || line[i] == '[';
    }
  return FALSE;
}

static void
check_json_reply (const char *reply,
                  gsize       len)
{
  g_autoptr(json_t) value = NULL;
  json_error_t error;

  value = json_loadb (reply, len, JSON_DECODE_ANY, &error);
  if (value == NULL)
    g_error ("protocol: a JSON-mode reply is not JSON (%s): %.*s", error.text,
             (int) MIN (len, 300), reply);
  if (json_is_array (value))
    {
      if (json_array_size (value) == 0)
        g_error ("protocol: an empty batch reply");
      return;
    }
  if (!json_is_object (value)
      || g_strcmp0 (json_string_value (json_object_get (value, "jsonrpc")), "2.0") != 0
      || json_object_get (value, "id") == NULL
      || (json_object_get (value, "result") == NULL) == (json_object_get (value, "error") == NULL))
    g_error ("protocol: not a JSON-RPC 2.0 response: %.*s", (int) MIN (len, 300), reply);
}

static void
check_replies (const char *line,
               gsize       len,
               GString    *out)
{
  gsize start = 0;

  if (out->len == 0)
    return;
  if (out->str[out->len - 1] != '\n')
    g_error ("protocol: a reply without its newline");
  if (!g_utf8_validate_len (out->str, out->len, NULL))
    g_error ("protocol: a reply is not valid UTF-8");
  while (start < out->len)
    {
      const char *nl = memchr (out->str + start, '\n', out->len - start);
      gsize reply_len = nl - (out->str + start);

      if (is_json_line (line, len))
        check_json_reply (out->str + start, reply_len);
      else if (start > 0)
        g_error ("protocol: two replies to one plain line");
      start += reply_len + 1;
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  pc_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  Session fast = { pc_evaluator_new () };
  Session general = { pc_evaluator_new () };
  g_autoptr(GString) fast_out = g_string_new (NULL);
  g_autoptr(GString) general_out = g_string_new (NULL);
  const char *text = (const char *) data;
  gsize start = 0;

  while (start < size)
    {
      const char *nl = memchr (text + start, '\n', size - start);
      gsize len = nl != NULL ? (gsize) (nl - (text + start)) : size - start;

      /* As the line reader hands lines over: without \n and one \r. */
      if (len > 0 && text[start + len - 1] == '\r')
        len--;
      g_string_truncate (fast_out, 0);
      g_string_truncate (general_out, 0);
      pc_protocol_handle_line (text + start, len, &fast_handler, &fast, fast_out);
      pc_protocol_handle_line (text + start, len, &general_handler, &general, general_out);
      if (!g_string_equal (fast_out, general_out))
        g_error ("protocol: the eval fast path answers\n%s\nthe general path\n%s",
                 fast_out->str, general_out->str);
      check_replies (text + start, len, fast_out);
      start += (nl != NULL ? (gsize) (nl - (text + start)) : size - start) + 1;
    }

  pc_evaluator_free (fast.evaluator);
  pc_evaluator_free (general.evaluator);
  return 0;
}
