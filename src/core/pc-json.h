/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

/* JSON as the protocol needs it, on top of jansson: values that always
 * make valid JSON, one way to write them, and a parser with the
 * protocol's limits and English reasons. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_t, json_decref)

#define PC_JSON_ERROR (pc_json_error_quark ())

typedef enum
{
  PC_JSON_ERROR_INVALID,   /* not one JSON value as RFC 8259 defines it */
  PC_JSON_ERROR_TOO_DEEP,  /* nested deeper than the caller allows */
} PcJsonError;

GQuark      pc_json_error_quark   (void);

/* A JSON number for @value: an integer when it is one (below 2^53), a real
 * otherwise, and JSON null for inf and nan, which JSON cannot hold. */
json_t     *pc_json_number        (double      value);
/* A JSON string holding @text, invalid UTF-8 repaired (jansson refuses
 * it). Never %NULL, so it can go straight into json_object_set_new(). */
json_t     *pc_json_string        (const char *text);

/* Appends @value as compact JSON (jansson's writer). */
void        pc_json_append        (GString      *out,
                                   const json_t *value);

/* Exactly the text pc_json_append() writes for pc_json_string (@text) and
 * for pc_json_number (@value), for replies written without values. */
void        pc_json_append_string (GString    *out,
                                   const char *text);
void        pc_json_append_number (GString    *out,
                                   double      value);

/* Parses @text (not NUL-terminated) as exactly one JSON object or array:
 * no trailing data, no duplicate keys, no \u0000, integers within 64 bits,
 * reals within a double, nested at most @max_depth deep (checked before
 * jansson sees the text). On failure returns %NULL and sets @error to a
 * short English reason. */
json_t     *pc_json_load          (const char  *text,
                                   gsize        len,
                                   guint        max_depth,
                                   GError     **error);

G_END_DECLS
