/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>
#include <muParserDLL.h>

#include "pc-eval-failure.h"
#include "pc-eval-math.h"
#include "pc-eval-user.h"
#include "pc-evaluator.h"

G_BEGIN_DECLS

/* The evaluator's insides, for the sampler (pc-eval-sample.c) and
 * pc-evaluator.c only. */

/* An expression is kept the second time it is seen: a session that only
 * ever sends new expressions then parses them all with one parser, warm in
 * the processor's caches, instead of cycling through 64 cold ones. The
 * last SEEN_SLOTS first sightings are remembered by hash in a ring (a
 * scan of it costs nanoseconds, next to a parse's microseconds; two
 * expressions of the same hash merely admit each other early). */
#define SEEN_SLOTS 128

struct _PcEvaluator
{
  /* Parses expressions the cache does not hold; NULL until needed. */
  muParserHandle_t parser;
  /* Session variables, ans included: name -> double*, both owned. muparser
   * keeps the addresses, so each double is allocated on its own. */
  GHashTable *variables;
  /* The same names in order (keys shared with @variables), for `vars`
   * and its pages without sorting the whole session each time. */
  GTree      *names;
  double     *ans;
  /* Variables a session may hold, ans not counted; 0: no limit. */
  guint       max_variables;
  /* Names the factory created during the current request. */
  GPtrArray  *created;

  GHashTable *cache;    /* expr -> CacheEntry*, entries owned by lru */
  gsize       cache_bytes;       /* text of the cached expressions */
  GQueue      lru;      /* most recently used first */
  guint32     seen[SEEN_SLOTS];  /* g_str_hash of expressions seen once */
  guint       seen_next;         /* where the next one goes */
  /* The undo log: the values of the variables the current request
   * names, saved before it runs, so that a failure costs what the
   * request touched and not the size of the session. */
  GArray     *saved;    /* SavedValue, reused by every request */
  GArray     *results;  /* double: the values of the last success */

  PcEvalUser *functions;
  /* What the callbacks of the current evaluation recorded. */
  PcEvalFault fault;
  char       *definition;  /* the text the last request defined */
};

/* Checks that need no parser: characters, emptiness, lengths. Returns
 * %TRUE with @failure set when @expr fails them, else @tokens_out. */
gboolean         pc_evaluator_check_text  (const char     *expr,
                                           GArray        **tokens_out,
                                           PcEvalFailure  *failure);
/* A parser that knows the session's functions, constants and ans, its
 * variable factory the session's. */
muParserHandle_t pc_evaluator_new_parser  (PcEvaluator    *self);
/* Arms the fault record of this thread for one evaluation. */
void             pc_evaluator_start_fault (PcEvaluator    *self);

G_END_DECLS
