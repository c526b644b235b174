/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* JSON as the protocol needs it, where json-glib 1.6 falls short: a strict
 * checker that runs before json-glib parses, and a writer whose output is
 * always valid JSON (json-glib writes 1e+17.0 and inf.0). */

/* A JSON number for @value: an integer when it is one (below 2^53), %NULL
 * node (JSON null) for inf and nan, which JSON cannot hold. */
JsonNode   *pc_json_number      (double      value);
/* A node holding @object or @array, taking the caller's reference. */
JsonNode   *pc_json_take_object (JsonObject *object);
JsonNode   *pc_json_take_array  (JsonArray  *array);

/* Appends @node as compact JSON: strings escaped (invalid UTF-8 repaired),
 * numbers always valid, inf and nan as null. */
void        pc_json_append      (GString    *out,
                                 JsonNode   *node);

/* The same text pc_json_append() writes for a string node holding @text,
 * and for pc_json_number (@value), for replies written without nodes. */
void        pc_json_append_string (GString    *out,
                                   const char *text);
void        pc_json_append_number (GString    *out,
                                   double      value);

/* Returns %NULL when @text (not NUL-terminated) is exactly one JSON value
 * as RFC 8259 defines it, nested at most 128 deep, with strings free of
 * \u0000 and unpaired surrogates and integers within 64 bits; otherwise a
 * short English reason. Never recurses. */
const char *pc_json_check       (const char *text,
                                 gsize       len);

G_END_DECLS
