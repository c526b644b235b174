/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-json.h"

G_DEFINE_QUARK (pc-json-error-quark, pc_json_error)

/* Doubles with an exact integer value below 2^53 are written as integers,
 * so 2^10 travels as 1024, not 1024.0. */
#define EXACT_INT_LIMIT 9007199254740992.0

json_t *
pc_json_number (double value)
{
  /* json_real() refuses inf and nan: it would return NULL. */
  if (!isfinite (value))
    return json_null ();
  if (value == floor (value) && fabs (value) < EXACT_INT_LIMIT)
    return json_integer ((json_int_t) value);
  return json_real (value);
}

json_t *
pc_json_string (const char *text)
{
  g_autofree char *valid = NULL;

  /* json_string() returns NULL for invalid UTF-8, and json_object_set_new()
   * would then silently drop the member. */
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  return json_string (text);
}

static int
append_cb (const char *buffer,
           size_t      size,
           void       *data)
{
  g_string_append_len (data, buffer, size);
  return 0;
}

void
pc_json_append (GString      *out,
                const json_t *value)
{
  gsize start = out->len;

  /* Only fails for a string jansson did not make itself (invalid UTF-8),
   * which json_string() never lets in; still, never half a value. */
  if (json_dump_callback (value, append_cb, out, JSON_COMPACT | JSON_ENCODE_ANY) != 0)
    {
      g_string_truncate (out, start);
      g_string_append (out, "null");
    }
}

/* The two writers below produce jansson's bytes without building values,
 * for the eval fast path (pc-protocol.c); tests/test-protocol.c compares
 * them with pc_json_append() value for value. */
void
pc_json_append_string (GString    *out,
                       const char *text)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append_len (out, "\\\"", 2); break;
        case '\\': g_string_append_len (out, "\\\\", 2); break;
        case '\b': g_string_append_len (out, "\\b", 2); break;
        case '\f': g_string_append_len (out, "\\f", 2); break;
        case '\n': g_string_append_len (out, "\\n", 2); break;
        case '\r': g_string_append_len (out, "\\r", 2); break;
        case '\t': g_string_append_len (out, "\\t", 2); break;
        default:
          /* jansson writes other control characters in upper-case hex
           * and everything else, '/' and DEL included, as it is. */
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\u%04X", (guint) (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

void
pc_json_append_number (GString *out,
                       double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 4];
  char *exponent;

  if (!isfinite (value))
    {
      g_string_append_len (out, "null", 4);
      return;
    }
  if (value == floor (value) && fabs (value) < EXACT_INT_LIMIT)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value);
      return;
    }

  /* What jansson's real writer does: "%.17g" (here in the C locale, as
   * jansson also ends up), ".0" when that looks like an integer, and the
   * exponent without "+" or leading zeros: 1e22, 1.0000000000000001e-5. */
  g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.17g", value);
  exponent = strchr (buf, 'e');
  if (exponent == NULL)
    {
      if (strchr (buf, '.') == NULL)
        strcat (buf, ".0");
    }
  else
    {
      char *from = exponent + 1;
      char *to = from;

      if (*from == '-')
        to = ++from;
      else if (*from == '+')
        from++;
      while (*from == '0' && from[1] != '\0')
        from++;
      memmove (to, from, strlen (from) + 1);
    }
  g_string_append (out, buf);
}

/* jansson limits nesting only at compile time (2048 levels here). The
 * protocol allows 128, so the depth is measured first, without recursion
 * and without decoding: brackets inside strings do not count. On text
 * that is not JSON the count may be off, but then jansson refuses it
 * anyway, and never past the depth measured here. */
static gboolean
depth_within (const char *text,
              gsize       len,
              guint       max_depth)
{
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      switch (text[i])
        {
        case '"':
          for (i++; i < len && text[i] != '"'; i++)
            if (text[i] == '\\')
              i++;
          break;
        case '[':
        case '{':
          if (++depth > max_depth)
            return FALSE;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return TRUE;
}

/* jansson says only "duplicate object key"; its position is just past the
 * key, so the key is read back from there to name it. */
static char *
duplicate_key_name (const char *text,
                    gsize       len,
                    gsize       end)
{
  g_autoptr(json_t) key = NULL;
  gssize start;

  if (end < 2 || end > len || text[end - 1] != '"')
    return NULL;
  for (start = (gssize) end - 2; start >= 0; start--)
    {
      gsize backslashes = 0;

      if (text[start] != '"')
        continue;
      while ((gsize) start > backslashes && text[start - 1 - backslashes] == '\\')
        backslashes++;
      if (backslashes % 2 == 0)
        break;
    }
  if (start < 0)
    return NULL;
  key = json_loadb (text + start, end - start, JSON_DECODE_ANY, NULL);
  if (!json_is_string (key))
    return NULL;
  /* A key may be long: the start of it names it well enough. */
  if (g_utf8_strlen (json_string_value (key), -1) > 64)
    {
      g_autofree char *head = g_utf8_substring (json_string_value (key), 0, 64);

      return g_strconcat (head, "…", NULL);
    }
  return g_strdup (json_string_value (key));
}

json_t *
pc_json_load (const char  *text,
              gsize        len,
              guint        max_depth,
              GError     **error)
{
  json_error_t problem;
  json_t *value;
  g_autofree char *key = NULL;

  if (!depth_within (text, len, max_depth))
    {
      g_set_error (error, PC_JSON_ERROR, PC_JSON_ERROR_TOO_DEEP,
                   "the request is nested more than %u levels deep", max_depth);
      return NULL;
    }
  /* Not JSON_DISABLE_EOF_CHECK: one value per text, nothing after it. Not
   * JSON_ALLOW_NUL: a string cut at its NUL would mean something else. */
  value = json_loadb (text, len, JSON_REJECT_DUPLICATES, &problem);
  if (value != NULL)
    return value;

  /* Server replies are protocol text: English, never translated. */
  switch (json_error_code (&problem))
    {
    case json_error_duplicate_key:
      key = duplicate_key_name (text, len, (gsize) problem.position);
      if (key != NULL)
        g_set_error (error, PC_JSON_ERROR, PC_JSON_ERROR_INVALID,
                     "the key \"%s\" appears twice in one object", key);
      else
        g_set_error_literal (error, PC_JSON_ERROR, PC_JSON_ERROR_INVALID,
                             "a key appears twice in one object");
      break;
    case json_error_numeric_overflow:
      g_set_error_literal (error, PC_JSON_ERROR, PC_JSON_ERROR_INVALID,
                           g_str_has_prefix (problem.text, "real")
                           ? "a number is outside the range of a double"
                           : "an integer is outside the 64-bit range");
      break;
    case json_error_null_character:
    case json_error_null_byte_in_key:
      g_set_error_literal (error, PC_JSON_ERROR, PC_JSON_ERROR_INVALID,
                           "the request contains a NUL character");
      break;
    case json_error_invalid_utf8:
      g_set_error_literal (error, PC_JSON_ERROR, PC_JSON_ERROR_INVALID,
                           "the request is not valid UTF-8");
      break;
    case json_error_stack_overflow:
      g_set_error (error, PC_JSON_ERROR, PC_JSON_ERROR_TOO_DEEP,
                   "the request is nested more than %u levels deep", max_depth);
      break;
    case json_error_premature_end_of_input:
      g_set_error_literal (error, PC_JSON_ERROR, PC_JSON_ERROR_INVALID,
                           "the request is not valid JSON: it ends too early");
      break;
    case json_error_end_of_input_expected:
      g_set_error_literal (error, PC_JSON_ERROR, PC_JSON_ERROR_INVALID,
                           "the request is not valid JSON: more follows the first value");
      break;
    case json_error_out_of_memory:
      g_set_error_literal (error, PC_JSON_ERROR, PC_JSON_ERROR_INVALID,
                           "the request does not fit in memory");
      break;
    default:
      g_set_error_literal (error, PC_JSON_ERROR, PC_JSON_ERROR_INVALID,
                           "the request is not valid JSON");
      break;
    }
  return NULL;
}
