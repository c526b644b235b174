/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pc-error-text.h"

/* A message takes the token and the position (%1$s, %2$d: a translation
 * may swap them) or the position alone (%d); positions are counted from 1
 * for people, the protocol's from 0. */
static const struct
{
  const char *reason;
  gboolean    with_token;  /* the message takes the token, then the position */
  const char *message;
} reasons[] = {
  /* TRANSLATORS: %1$s is the token, %2$d (or %d) the character position,
   * counted from 1 */
  { "unexpected-operator", TRUE, N_("Unexpected operator “%1$s” at character %2$d") },
  { "unassignable-token", TRUE, N_("Unexpected “%1$s” at character %2$d") },
  { "unexpected-eof", FALSE, N_("The expression ends too early (character %d)") },
  { "unexpected-arg-sep", FALSE, N_("Unexpected comma at character %d") },
  { "unexpected-arg", FALSE, N_("Several values in parentheses without a function at character %d") },
  { "unexpected-val", TRUE, N_("Unexpected value “%1$s” at character %2$d") },
  { "unexpected-var", TRUE, N_("Unexpected variable “%1$s” at character %2$d") },
  { "unexpected-parens", FALSE, N_("Unexpected parenthesis at character %d") },
  { "unexpected-str", FALSE, N_("Text in quotes is not supported (character %d)") },
  { "missing-parens", FALSE, N_("A closing parenthesis is missing") },
  { "unexpected-fun", TRUE, N_("Function “%1$s” needs its arguments in parentheses (character %2$d)") },
  { "too-many-params", TRUE, N_("Too many arguments for “%1$s” (character %2$d)") },
  { "too-few-params", TRUE, N_("Too few arguments for “%1$s” (character %2$d)") },
  { "empty-expression", FALSE, N_("The expression is empty") },
  { "unexpected-conditional", FALSE, N_("Unexpected “?” at character %d") },
  { "missing-else-clause", FALSE, N_("The “?” needs its “:” part (character %d)") },
  { "misplaced-colon", FALSE, N_("Unexpected “:” at character %d") },
  { "identifier-too-long", FALSE, N_("The name at character %d is too long") },
  { "expression-too-long", FALSE, N_("The expression is too long") },
  { "invalid-characters", TRUE, N_("Character “%1$s” cannot be used (character %2$d)") },
  { "unknown-variable", TRUE, N_("Unknown variable “%1$s” at character %2$d") },
  { "unknown-function", TRUE, N_("Unknown function “%1$s” at character %2$d") },
  { "assign-to-constant", TRUE, N_("“%1$s” is a constant and cannot be changed (character %2$d)") },
  { "invalid-number", TRUE, N_("Invalid number “%1$s” at character %2$d") },
  { "domain", TRUE, N_("“%1$s” is not defined for this value (character %2$d)") },
  { "div-by-zero", TRUE, N_("Division by zero in “%1$s” at character %2$d") },
  { "name-conflict", TRUE, N_("The name “%1$s” is already taken (character %2$d)") },
  { "recursion", TRUE, N_("“%1$s” would call itself, directly or through another function (character %2$d)") },
  { "invalid-parameter", TRUE, N_("Invalid parameter “%1$s” at character %2$d") },
  { "broken-function", TRUE, N_("Function “%1$s” uses a variable or function that no longer exists (character %2$d)") },
  { "too-many-computations", FALSE, N_("The calculation takes too many steps (character %d)") },
  /* A graph's expression (the sample method) */
  { "several-results", FALSE, N_("A graph takes one expression, not several (comma at character %d)") },
  { "assignment", FALSE, N_("A graph cannot assign or define anything (“=” at character %d)") },
};

/* The formats come from the table above through gettext; msgfmt --check
 * verifies that every translation keeps their arguments. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

char *
pc_error_text_for_outcome (const PcEvalOutcome *outcome)
{
  const char *token = outcome->error_token ? outcome->error_token : "";
  int where = outcome->error_pos + 1;

  switch (outcome->error_code)
    {
    case PC_RPC_EXPRESSION_ERROR:
      for (gsize i = 0; outcome->reason != NULL && i < G_N_ELEMENTS (reasons); i++)
        if (g_str_equal (reasons[i].reason, outcome->reason))
          return reasons[i].with_token
                 ? g_strdup_printf (_(reasons[i].message), token, where)
                 : g_strdup_printf (_(reasons[i].message), where);
      if (outcome->error_pos >= 0)
        return g_strdup_printf (_("The expression is wrong at character %d"), where);
      return g_strdup (_("The expression is wrong"));
    case PC_RPC_TOO_LARGE:
      return g_strdup (_("The expression is too long for the server"));
    case PC_RPC_BUSY:
      /* The limit reached (data.limit): the session's own ones are not
       * a busy server. */
      if (g_strcmp0 (outcome->reason, "variables") == 0)
        return g_strdup (_("This session has as many variables as the server allows; unset some first"));
      if (g_strcmp0 (outcome->reason, "functions") == 0)
        return g_strdup (_("This session has as many functions as the server allows; unset some first"));
      if (g_strcmp0 (outcome->reason, "batch") == 0)
        return g_strdup (_("Too many calls in one request for the server"));
      return g_strdup (_("The server is busy; try again later"));
    case PC_RPC_UNAUTHORIZED:
      return g_strdup (_("The server needs an access token (see Connection)"));
    default:
      /* TRANSLATORS: %d is a JSON-RPC error code, %s the server's English message */
      return g_strdup_printf (_("The server refused the request (error %d: %s)"),
                              outcome->error_code, outcome->message ? outcome->message : "");
    }
}

#pragma GCC diagnostic pop

char *
pc_error_text_for_error (const GError *error)
{
  /* A timeout comes worded by the client (pc_client_timeout_error_new),
   * already in the person's language. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (_("Cancelled"));
  return g_strdup (error->message);
}
