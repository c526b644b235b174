/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-cli"
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#ifdef G_OS_WIN32
#include <fcntl.h>
#include <io.h>
#endif
#ifdef G_OS_UNIX
#include <signal.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>
#endif

#include "pc-client.h"
#include "pc-format.h"
#include "pc-line-reader.h"
#include "pc-log.h"
#include "pc-paths.h"
#include "pc-token.h"
#include "pc-wait.h"

/* Exit statuses, as documented in --help. */
enum
{
  EXIT_ALL_OK = 0,
  EXIT_EXPRESSION_FAILED = 1,
  EXIT_NO_CONNECTION = 2,
};

typedef struct
{
  PcClient *client;
  gboolean  json;
  gboolean  failed;        /* an expression failed */
  gboolean  lost;          /* the connection failed */
  gboolean  formatted;     /* --format or --digits: written here, not the
                            * server's text */
  PcNumberFormat format;
} Cli;

/* Prints the error with a caret under the failing position:
 *   error: Unexpected operator "*" found at position 2
 *     1+*2
 *       ^ */
static void
print_expression_error (const PcEvalOutcome *outcome)
{
  const char *expr = outcome->expression;

  g_printerr (_("error: %s\n"), outcome->message);
  if (outcome->error_pos >= 0 && strchr (expr, '\n') == NULL
      && outcome->error_pos <= g_utf8_strlen (expr, -1))
    {
      g_autofree char *pad = g_strnfill ((gsize) outcome->error_pos, ' ');

      g_printerr ("  %s\n  %s^\n", expr, pad);
    }
}

/* Evaluates one expression; FALSE when the connection is gone. */
static gboolean
evaluate (Cli        *cli,
          const char *expr)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = NULL;
  g_auto(PcWait) wait = PC_WAIT_INIT;

  /* The CLI is sequential by nature: one expression, then its answer. */
  pc_client_eval_async (cli->client, expr, NULL, pc_wait_cb, &wait);
  outcome = pc_client_eval_finish (cli->client, pc_wait_run (&wait, NULL, 0), &error);

  if (outcome == NULL)
    {
      g_printerr ("pipecalc-cli: %s\n", error->message);
      /* Only a lost connection ends the run; a late or garbled answer
       * fails this expression. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
          || g_error_matches (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_BAD_REPLY))
        {
          cli->failed = TRUE;
          return TRUE;
        }
      cli->lost = TRUE;
      return FALSE;
    }

  if (outcome->error_code != 0)
    cli->failed = TRUE;
  if (outcome->error_code == PC_RPC_UNAUTHORIZED && !cli->json)
    {
      g_printerr (_("pipecalc-cli: the server requires an access token; give it "
                    "with --token-file FILE\n"));
      cli->lost = TRUE;
      return FALSE;
    }
  if (cli->json)
    printf ("%s\n", outcome->raw);
  else if (outcome->error_code == 0 && cli->formatted && outcome->n_values > 0)
    {
      PcFormatNote note;
      g_autofree char *text = pc_format_values_as (outcome->values, outcome->n_values,
                                                   &cli->format, &note);

      printf ("%s\n", text);
      /* What the text cannot say, on stderr so that stdout stays values. */
      if (note == PC_FORMAT_NOTE_NOT_INTEGER)
        g_printerr (_("note: not a whole number: shown in decimal\n"));
      else if (note == PC_FORMAT_NOTE_NO_FRACTION)
        g_printerr (_("note: no fraction with a denominator up to 1000000: shown in decimal\n"));
    }
  else if (outcome->error_code == 0)
    printf ("%s\n", outcome->text);
  else
    print_expression_error (outcome);
  fflush (stdout);
  return TRUE;
}

/* The fewest significant digits (15 to 17) that read back as @value, in
 * the C locale: what gnuplot and other scripts read. */
static void
append_round_trip (GString *out,
                   double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    {
      g_string_append (out, "nan");
      return;
    }
  for (int digits = 15; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
}

/* --sample: one "x<TAB>y" line per point, gnuplot's format; x with the
 * digits that read back as the same double, y too ("nan" where the
 * value is not a number). Returns FALSE when the connection is
 * gone. */
static gboolean
sample (Cli        *cli,
        const char *expr,
        const char *variable,
        double      from,
        double      to,
        guint       points)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcSampleOutcome) outcome = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_auto(PcWait) wait = PC_WAIT_INIT;

  pc_client_sample_async (cli->client, expr, variable, from, to, points, NULL,
                          pc_wait_cb, &wait);
  outcome = pc_client_sample_finish (cli->client, pc_wait_run (&wait, NULL, 0), &error);
  if (outcome == NULL)
    {
      g_printerr ("pipecalc-cli: %s\n", error->message);
      cli->failed = TRUE;
      if (g_error_matches (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED))
        cli->lost = TRUE;
      return !cli->lost;
    }
  if (outcome->error_code != 0)
    {
      PcEvalOutcome shown = {
        .expression = outcome->expression,
        .message = outcome->message,
        .error_pos = outcome->error_pos,
      };

      cli->failed = TRUE;
      print_expression_error (&shown);
      return TRUE;
    }
  for (guint i = 0; i < outcome->n_values; i++)
    {
      double x = i + 1 == outcome->n_values ? outcome->to : outcome->from + i * outcome->step;

      g_string_truncate (line, 0);
      append_round_trip (line, x);
      g_string_append_c (line, '\t');
      append_round_trip (line, outcome->values[i]);
      g_string_append_c (line, '\n');
      fwrite (line->str, 1, line->len, stdout);
    }
  fflush (stdout);
  return TRUE;
}

static void
read_stdin (Cli *cli)
{
#ifdef G_OS_UNIX
  if (isatty (STDIN_FILENO))
    {
      char *line;

      /* Interactive: a prompt, line editing and history (readline). */
      while ((line = readline ("> ")) != NULL)
        {
          gboolean go_on = TRUE;

          if (!pc_line_is_blank (line, -1))
            {
              add_history (line);
              go_on = evaluate (cli, line);
            }
          free (line);
          if (!go_on)
            return;
        }
      printf ("\n");
      return;
    }
#endif
  {
    g_autoptr(GString) line = g_string_new (NULL);
    int c;

#ifdef G_OS_WIN32
    /* Bytes as they come, not text mode's CRLF translation. */
    _setmode (_fileno (stdin), _O_BINARY);
#endif
    /* Plain stdio, the same on every platform: the server reports invalid
     * UTF-8 itself, and a line ends at \n, with a \r before it dropped. */
    do
      {
        c = getc (stdin);
        if (c != EOF && c != '\n')
          {
            g_string_append_c (line, (char) c);
            continue;
          }
        if (line->len > 0 && line->str[line->len - 1] == '\r')
          g_string_truncate (line, line->len - 1);
        if (!pc_line_is_blank (line->str, (gssize) line->len)
            && !evaluate (cli, line->str))
          return;
        g_string_truncate (line, 0);
      }
    while (c != EOF);
  }
}

static void
server_log_cb (PcClient   *client,
               const char *line,
               gpointer    user_data)
{
  g_printerr ("%s\n", line);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *address = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *tls_ca = NULL;
  char *token = NULL;
  gint64 allowed_uid = -1;
  gboolean json = FALSE;
  int timeout = 10;
  gboolean verbose = FALSE;
  g_autofree char *format_name = NULL;
  int digits = G_MININT;  /* not given */
  g_auto(GStrv) expressions = NULL;
  g_autofree char *sample_expr = NULL;
  g_autofree char *sample_var = NULL;
  double sample_from = NAN;
  double sample_to = NAN;
  int sample_points = 100;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(PcTransports) transports = NULL;
  g_autoptr(PcClient) client = NULL;
  Cli cli = { 0, };
  g_auto(PcWait) wait = PC_WAIT_INIT;
  const GOptionEntry entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_STRING, &address,
      N_("Connect to ADDRESS (default: the local server, started if none runs)"),
      N_("ADDRESS") },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json,
      N_("Print the raw JSON-RPC replies"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      N_("Wait at most S seconds for each reply (default 10, 0: forever)"), "S" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Show the private server’s log"), NULL },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file,
      N_("Present the access token in FILE (readable by you only) to the server"),
      N_("FILE") },
    { "tls-ca", 0, 0, G_OPTION_ARG_FILENAME, &tls_ca,
      N_("Verify a TLS server (tcp://HOST:PORT?tls=1) against the certificate authorities in FILE "
         "(default: the system’s)"), N_("FILE") },
    { "allow-server-uid", 0, 0, G_OPTION_ARG_INT64, &allowed_uid,
      N_("Also trust a local server run by the user UID (default: only your own)"),
      N_("UID") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_("Write results as auto, fixed, sci, eng, frac, hex, oct or bin (default: the server’s text)"),
      N_("STYLE") },
    { "digits", 'd', 0, G_OPTION_ARG_INT, &digits,
      N_("Significant digits, 1 to 17 (default 15); with --format fixed, decimals, 0 to 20 (default 2)"),
      "N" },
    { "sample", 's', 0, G_OPTION_ARG_STRING, &sample_expr,
      N_("Print EXPRESSION at evenly spaced values of x as “x<TAB>y” lines, for gnuplot"),
      N_("EXPRESSION") },
    { "from", 0, 0, G_OPTION_ARG_DOUBLE, &sample_from,
      N_("With --sample: the first value of x"), "A" },
    { "to", 0, 0, G_OPTION_ARG_DOUBLE, &sample_to,
      N_("With --sample: the last value of x"), "B" },
    { "points", 0, 0, G_OPTION_ARG_INT, &sample_points,
      N_("With --sample: how many values, 2 to 1000000 (default 100)"), "N" },
    { "var", 0, 0, G_OPTION_ARG_STRING, &sample_var,
      N_("With --sample: the variable’s name (default x)"), N_("NAME") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &expressions,
      NULL, N_("[EXPRESSION…]") },
    { NULL }
  };

  pc_paths_init_i18n ();
  g_set_prgname ("pipecalc-cli");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Evaluates each EXPRESSION on a pipecalc server, in one session, or\n"
                                  "reads expressions from standard input, one per line."));
  g_option_context_set_description (context,
                                    _("Exit status: 0 when every expression succeeded, 1 when one failed,\n"
                                      "2 when the server could not be reached.\n\n"
                                      "Addresses: pipecalcd --list-transports shows each transport's default one"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("pipecalc-cli: %s\n", error->message);
      return EXIT_NO_CONNECTION;
    }
  if (timeout < 0)
    {
      g_printerr (_("pipecalc-cli: --timeout must be 0 or more seconds\n"));
      return EXIT_NO_CONNECTION;
    }
  pc_number_format_init (&cli.format);
  if (format_name != NULL && !pc_number_style_from_string (format_name, &cli.format.style))
    {
      g_printerr (_("pipecalc-cli: unknown --format “%s”: use auto, fixed, sci, eng, frac, hex, oct or bin\n"),
                  format_name);
      return EXIT_NO_CONNECTION;
    }
  if (digits != G_MININT)
    {
      gboolean fixed = cli.format.style == PC_NUMBER_FIXED;

      if (fixed ? digits < 0 || digits > PC_FORMAT_DECIMALS_MAX
                : digits < PC_FORMAT_DIGITS_MIN || digits > PC_FORMAT_DIGITS_MAX)
        {
          if (fixed)
            g_printerr (_("pipecalc-cli: --digits must be from 0 to %d decimals with --format fixed\n"),
                        PC_FORMAT_DECIMALS_MAX);
          else
            g_printerr (_("pipecalc-cli: --digits must be from %d to %d significant digits\n"),
                        PC_FORMAT_DIGITS_MIN, PC_FORMAT_DIGITS_MAX);
          return EXIT_NO_CONNECTION;
        }
      if (fixed)
        cli.format.decimals = digits;
      else
        cli.format.digits = digits;
    }
  cli.formatted = format_name != NULL || digits != G_MININT;
  if (sample_expr != NULL && (!isfinite (sample_from) || !isfinite (sample_to)))
    {
      g_printerr (_("pipecalc-cli: --sample needs --from and --to, finite numbers\n"));
      return EXIT_NO_CONNECTION;
    }
  if (sample_expr != NULL && sample_points < 0)
    {
      g_printerr (_("pipecalc-cli: --points must be from 2 to 1000000\n"));
      return EXIT_NO_CONNECTION;
    }
  if (sample_expr != NULL && expressions != NULL && expressions[0] != NULL)
    {
      g_printerr (_("pipecalc-cli: give either --sample or expressions, not both\n"));
      return EXIT_NO_CONNECTION;
    }

  if (allowed_uid < -1 || allowed_uid > G_MAXUINT32 - 1)
    {
      g_printerr (_("pipecalc-cli: --allow-server-uid must be a user id\n"));
      return EXIT_NO_CONNECTION;
    }
  if (token_file != NULL)
    {
      token = pc_token_read_file (token_file, &error);
      if (token == NULL)
        {
          g_printerr ("pipecalc-cli: %s\n", error->message);
          return EXIT_NO_CONNECTION;
        }
    }
  pc_log_init ("pipecalc-cli", verbose);
  pc_ignore_sigpipe ();

  transports = pc_transports_load (&error);
  if (transports == NULL)
    {
      g_clear_pointer (&token, pc_token_free);
      g_printerr ("pipecalc-cli: %s\n", error->message);
      return EXIT_NO_CONNECTION;
    }

  client = pc_client_new (transports);
  pc_client_set_timeout (client, (guint) timeout);
  pc_client_set_allowed_server_uid (client, allowed_uid);
  pc_client_set_tls_ca_file (client, tls_ca);
  pc_client_set_token (client, token);
  g_clear_pointer (&token, pc_token_free);
  if (verbose)
    g_signal_connect (client, "log", G_CALLBACK (server_log_cb), NULL);
  pc_client_connect_async (client, address, address == NULL, NULL, pc_wait_cb, &wait);
  if (!pc_client_connect_finish (client, pc_wait_run (&wait, NULL, 0), &error))
    {
      g_printerr ("pipecalc-cli: %s\n", error->message);
      return EXIT_NO_CONNECTION;
    }

  cli.client = client;
  cli.json = json;
  if (sample_expr != NULL)
    sample (&cli, sample_expr, sample_var, sample_from, sample_to, (guint) sample_points);
  else if (expressions != NULL && expressions[0] != NULL)
    {
      for (guint i = 0; expressions[i] != NULL; i++)
        if (!evaluate (&cli, expressions[i]))
          break;
    }
  else
    {
      read_stdin (&cli);
    }

  /* Stops the private server, if this client started one. */
  pc_client_close (client);
  if (cli.lost)
    return EXIT_NO_CONNECTION;
  return cli.failed ? EXIT_EXPRESSION_FAILED : EXIT_ALL_OK;
}
