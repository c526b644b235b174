/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-json.h"

/* Doubles with an exact integer value below 2^53 are written as integers,
 * so 2^10 travels as 1024, not 1024.0. */
#define EXACT_INT_LIMIT 9007199254740992.0

JsonNode *
pc_json_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

JsonNode *
pc_json_take_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

JsonNode *
pc_json_number (double value)
{
  JsonNode *node = json_node_alloc ();

  if (!isfinite (value))
    return json_node_init_null (node);
  if (value == floor (value) && fabs (value) < EXACT_INT_LIMIT)
    return json_node_init_int (node, (gint64) value);
  return json_node_init_double (node, value);
}

/* JSON text is written here rather than by JsonGenerator: json-glib 1.6
 * appends ".0" to every double printed without a point, so 1e22 comes out
 * as the invalid "1e+22.0" and inf as "inf.0". A reply must always parse. */
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
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* JSON cannot hold inf and nan; null is what pc_json_number() uses. */
  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append (out, g_ascii_dtostr (buf, sizeof buf, value));
  /* Like json-glib, keep a double recognisable as one, but never append
   * to an exponent. */
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

void
pc_json_append_number (GString *out,
                       double   value)
{
  /* What pc_json_append (pc_json_number (value)) writes, without nodes. */
  if (isfinite (value) && value == floor (value) && fabs (value) < EXACT_INT_LIMIT)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value);
  else
    append_double (out, value);
}

void
pc_json_append (GString  *out,
                JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        GList *members = json_object_get_members (object);

        g_string_append_c (out, '{');
        for (GList *l = members; l != NULL; l = l->next)
          {
            if (l != members)
              g_string_append_c (out, ',');
            pc_json_append_string (out, l->data);
            g_string_append_c (out, ':');
            pc_json_append (out, json_object_get_member (object, l->data));
          }
        g_string_append_c (out, '}');
        g_list_free (members);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            pc_json_append (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          if (json_node_get_string (node) != NULL)
            pc_json_append_string (out, json_node_get_string (node));
          else
            g_string_append (out, "null");
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/* json-glib 1.6 parses more than JSON and not always safely: it accepts two
 * top-level values ({"a":1}{"b":2}), comments, single quotes, hex and
 * leading zeros; it wraps integers beyond 64 bits (2^64 reads as -1); it
 * turns an unpaired \ud800 into invalid UTF-8; it cuts a string at \u0000;
 * and it recurses once per nesting level, so a long line of "[" overflows
 * the stack. So a text is first checked against RFC 8259 here, without
 * recursion, and whatever json-glib would misread is refused.
 * Returns %NULL when @text is fine, else what is wrong with it. */
#define JSON_MAX_DEPTH 128

static gboolean
skip_hex4 (const char **p,
           const char  *end,
           guint       *value)
{
  *value = 0;
  if (end - *p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value ((*p)[i]);

      if (digit < 0)
        return FALSE;
      *value = *value * 16 + (guint) digit;
    }
  *p += 4;
  return TRUE;
}

static const char *
skip_string (const char **pp,
             const char  *end)
{
  const char *p = *pp + 1;  /* past the opening quote */

  for (;;)
    {
      guint unit;

      if (p == end)
        return "the request is not valid JSON";
      if (*p == '"')
        break;
      if ((guchar) *p < 0x20)
        return "the request is not valid JSON";
      if (*p != '\\')
        {
          p++;
          continue;
        }
      if (++p == end)
        return "the request is not valid JSON";
      if (*p != '\0' && strchr ("\"\\/bfnrt", *p) != NULL)
        {
          p++;
          continue;
        }
      if (*p != 'u')
        return "the request is not valid JSON";
      p++;
      if (!skip_hex4 (&p, end, &unit))
        return "the request is not valid JSON";
      if (unit == 0)
        return "the request contains a NUL character";
      if (unit >= 0xdc00 && unit <= 0xdfff)
        return "the request is not valid JSON";
      if (unit >= 0xd800 && unit <= 0xdbff)
        {
          guint low;

          if (end - p < 2 || p[0] != '\\' || p[1] != 'u')
            return "the request is not valid JSON";
          p += 2;
          if (!skip_hex4 (&p, end, &low) || low < 0xdc00 || low > 0xdfff)
            return "the request is not valid JSON";
        }
    }
  *pp = p + 1;
  return NULL;
}

static const char *
skip_number (const char **pp,
             const char  *end)
{
  const char *start = *pp;
  const char *p = start;
  gboolean integer = TRUE;

  if (p < end && *p == '-')
    p++;
  if (p == end || !g_ascii_isdigit (*p))
    return "the request is not valid JSON";
  if (*p == '0')
    p++;
  else
    while (p < end && g_ascii_isdigit (*p))
      p++;
  if (p < end && *p == '.')
    {
      integer = FALSE;
      if (++p == end || !g_ascii_isdigit (*p))
        return "the request is not valid JSON";
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      integer = FALSE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p == end || !g_ascii_isdigit (*p))
        return "the request is not valid JSON";
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }
  if (integer)
    {
      char digits[24];

      if ((gsize) (p - start) >= sizeof digits)
        return "an integer is outside the 64-bit range";
      memcpy (digits, start, p - start);
      digits[p - start] = '\0';
      if (!g_ascii_string_to_signed (digits, 10, G_MININT64, G_MAXINT64, NULL, NULL))
        return "an integer is outside the 64-bit range";
    }
  *pp = p;
  return NULL;
}

const char *
pc_json_check (const char *text,
               gsize       len)
{
  const char *p = text;
  const char *end = text + len;
  char stack[JSON_MAX_DEPTH];  /* '{' or '[' for each open container */
  int depth = 0;
  enum { VALUE, MEMBER, AFTER } state = VALUE;

  for (;;)
    {
      const char *problem = NULL;

      while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;

      if (state == VALUE)
        {
          if (p == end)
            return "the request is not valid JSON";
          switch (*p)
            {
            case '{':
            case '[':
              if (depth == JSON_MAX_DEPTH)
                return "the request is nested too deeply";
              stack[depth++] = *p++;
              while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
                p++;
              if (p < end && *p == (stack[depth - 1] == '{' ? '}' : ']'))
                {
                  p++;
                  depth--;
                  state = AFTER;
                }
              else
                state = stack[depth - 1] == '{' ? MEMBER : VALUE;
              continue;
            case '"':
              problem = skip_string (&p, end);
              break;
            case 't':
            case 'f':
            case 'n':
              {
                const char *word = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
                gsize n = strlen (word);

                if ((gsize) (end - p) < n || memcmp (p, word, n) != 0)
                  return "the request is not valid JSON";
                p += n;
              }
              break;
            default:
              problem = skip_number (&p, end);
              break;
            }
          if (problem != NULL)
            return problem;
          state = AFTER;
        }
      else if (state == MEMBER)
        {
          if (p == end || *p != '"')
            return "the request is not valid JSON";
          if ((problem = skip_string (&p, end)) != NULL)
            return problem;
          while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
          if (p == end || *p != ':')
            return "the request is not valid JSON";
          p++;
          state = VALUE;
        }
      else if (depth == 0)
        {
          /* One value per line: anything after it is an error. */
          return p == end ? NULL : "the request is not valid JSON";
        }
      else if (p < end && *p == ',')
        {
          p++;
          state = stack[depth - 1] == '{' ? MEMBER : VALUE;
        }
      else if (p < end && *p == (stack[depth - 1] == '{' ? '}' : ']'))
        {
          p++;
          depth--;
        }
      else
        return "the request is not valid JSON";
    }
}
