/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longest expression handed to muparser, in bytes. Checked before muparser
 * sees the text (muparser has its own, version-dependent limit). */
#define PC_EVAL_MAX_EXPRESSION 10000
/* Longest identifier, in bytes (muparser 2.3.3 refuses longer ones). */
#define PC_EVAL_MAX_IDENTIFIER 100
/* Longest token in a PcEvalErrorDetail or an error message, in characters. */
#define PC_EVAL_MAX_TOKEN 64
/* Expressions whose parsed form a session keeps, least recently used
 * dropped first. An expression that succeeded twice is kept, and from then
 * on evaluated again without parsing. */
#define PC_EVAL_CACHE_SIZE 64
/* Variables a session may define unless the server says otherwise
 * (pipecalcd --max-variables). */
#define PC_EVAL_DEFAULT_MAX_VARIABLES 10000
/* User-defined functions a session may hold. */
#define PC_EVAL_MAX_FUNCTIONS 100
/* And at most this much text of definitions in all: a body's bytecode
 * costs about 65 bytes per byte of text, so about 1 MB. */
#define PC_EVAL_MAX_FUNCTION_BYTES 16384
/* Parameters of a user function (muparser's limit for callbacks). */
#define PC_EVAL_MAX_PARAMS 10
/* User function calls one request may make: "f(x) = g(x) + g(x)" nested
 * twenty deep would otherwise make a million. */
#define PC_EVAL_MAX_CALLS 100000

#define PC_EVAL_ERROR (pc_eval_error_quark ())

/* Why an expression failed. The values below 100 are muparser's
 * mu::EErrorCodes; pipecalc's own checks start at 100. */
typedef enum
{
  PC_EVAL_ERROR_UNEXPECTED_OPERATOR = 0,
  PC_EVAL_ERROR_UNASSIGNABLE_TOKEN = 1,
  PC_EVAL_ERROR_UNEXPECTED_EOF = 2,
  PC_EVAL_ERROR_UNEXPECTED_ARG_SEP = 3,
  PC_EVAL_ERROR_UNEXPECTED_ARG = 4,
  PC_EVAL_ERROR_UNEXPECTED_VAL = 5,
  PC_EVAL_ERROR_UNEXPECTED_VAR = 6,
  PC_EVAL_ERROR_UNEXPECTED_PARENS = 7,
  PC_EVAL_ERROR_UNEXPECTED_STR = 8,
  PC_EVAL_ERROR_STRING_EXPECTED = 9,
  PC_EVAL_ERROR_VAL_EXPECTED = 10,
  PC_EVAL_ERROR_MISSING_PARENS = 11,
  PC_EVAL_ERROR_UNEXPECTED_FUN = 12,
  PC_EVAL_ERROR_UNTERMINATED_STRING = 13,
  PC_EVAL_ERROR_TOO_MANY_PARAMS = 14,
  PC_EVAL_ERROR_TOO_FEW_PARAMS = 15,
  PC_EVAL_ERROR_OPRT_TYPE_CONFLICT = 16,
  PC_EVAL_ERROR_STR_RESULT = 17,
  PC_EVAL_ERROR_EMPTY_EXPRESSION = 25,
  PC_EVAL_ERROR_NAME_CONFLICT = 26,
  PC_EVAL_ERROR_DOMAIN = 28,
  PC_EVAL_ERROR_DIV_BY_ZERO = 29,
  PC_EVAL_ERROR_GENERIC = 30,
  PC_EVAL_ERROR_UNEXPECTED_CONDITIONAL = 32,
  PC_EVAL_ERROR_MISSING_ELSE_CLAUSE = 33,
  PC_EVAL_ERROR_MISPLACED_COLON = 34,
  PC_EVAL_ERROR_TOO_MANY_COMPUTATIONS = 35,
  PC_EVAL_ERROR_IDENTIFIER_TOO_LONG = 36,
  PC_EVAL_ERROR_EXPRESSION_TOO_LONG = 37,
  PC_EVAL_ERROR_INVALID_CHARACTERS = 38,
  PC_EVAL_ERROR_INTERNAL = 39,
  PC_EVAL_ERROR_UNKNOWN_VARIABLE = 100,   /* a name that is neither defined nor assigned */
  PC_EVAL_ERROR_ASSIGN_TO_CONSTANT = 101, /* pi = 3 */
  PC_EVAL_ERROR_NOT_A_VARIABLE = 102,     /* unset of a name that is not a session variable */
  PC_EVAL_ERROR_INVALID_NUMBER = 103,     /* "1e", "1e+x", or out of range: "1e999" */
  PC_EVAL_ERROR_UNKNOWN_FUNCTION = 104,   /* foo(2) */
  PC_EVAL_ERROR_TOO_MANY_VARIABLES = 105, /* the session's variable limit */
  PC_EVAL_ERROR_RECURSION = 106,          /* f(x) = f(x - 1), or through g */
  PC_EVAL_ERROR_INVALID_PARAMETER = 107,  /* f(1) = 2, f(x, x) = 1, f(pi) = 1 */
  PC_EVAL_ERROR_BROKEN_FUNCTION = 108,    /* a function names what was unset */
  PC_EVAL_ERROR_TOO_MANY_FUNCTIONS = 109, /* PC_EVAL_MAX_FUNCTIONS */
  PC_EVAL_ERROR_SEVERAL_RESULTS = 110,    /* a sample of "1, x" */
  PC_EVAL_ERROR_ASSIGNMENT = 111,         /* a sample of "a = x": it would change the session */
} PcEvalErrorCode;

/* A failed evaluation: where and what. @pos is a character (not byte)
 * offset from 0 into the expression, or -1; @token is the offending token
 * (at most 64 characters, longer ones are cut), "" when there is none. */
typedef struct
{
  int   pos;
  char *token;
} PcEvalErrorDetail;

typedef struct _PcEvaluator PcEvaluator;

typedef void (*PcEvaluatorVarFunc) (const char *name,
                                    double      value,
                                    gpointer    user_data);

GQuark       pc_eval_error_quark        (void);

PcEvaluator *pc_evaluator_new           (void);
void         pc_evaluator_free          (PcEvaluator        *self);

/* Evaluates @expr (NUL-terminated UTF-8). On success returns a GArray of
 * double, one per comma-separated expression, and updates ans and the
 * assigned variables. On failure returns %NULL, sets @error (PC_EVAL_ERROR,
 * an English message written by pipecalc, never muparser's buffer) and, if
 * @detail is not %NULL, fills it (free with pc_eval_error_detail_clear());
 * nothing in the session changes. A request costs what it names: the
 * values it could change are saved before it runs (an undo log), never
 * the whole session.
 *
 * Only printable ASCII and blanks are accepted (anything else is
 * PC_EVAL_ERROR_INVALID_CHARACTERS at its position), no string literals,
 * and a name is only defined by assigning it ("x = 1"): reading one that
 * is not defined is PC_EVAL_ERROR_UNKNOWN_VARIABLE, never 0. Numbers are
 * read the same in every locale. */
GArray      *pc_evaluator_eval          (PcEvaluator        *self,
                                         const char         *expr,
                                         PcEvalErrorDetail  *detail,
                                         GError            **error);

/* A request "name(params) = body" defines (or replaces) a user function
 * and succeeds with no values (an empty array, @n_values 0); this then
 * returns its text as typed, blanks around it trimmed, until the next
 * request. %NULL after any other request. */
const char  *pc_evaluator_definition    (PcEvaluator        *self);

/* pc_evaluator_eval() without the copy: returns the @n_values values,
 * owned by the evaluator and valid until its next call, or %NULL with
 * @error (and @detail) set exactly as pc_evaluator_eval() does. */
const double *pc_evaluator_eval_values  (PcEvaluator        *self,
                                         const char         *expr,
                                         guint              *n_values,
                                         PcEvalErrorDetail  *detail,
                                         GError            **error);

/* Whether @expr is in the parse cache (for tests and statistics). */
gboolean     pc_evaluator_is_cached     (PcEvaluator        *self,
                                         const char         *expr);
/* Drops the parse cache (variables stay): an idle session gives back the
 * memory of the parsers it kept. */
void         pc_evaluator_trim          (PcEvaluator        *self);

/* Session variables in name order (strcmp), ans included. @func must not
 * change the evaluator. */
void         pc_evaluator_foreach_variable (PcEvaluator        *self,
                                            PcEvaluatorVarFunc  func,
                                            gpointer            user_data);
/* Up to @limit session variables in name order, starting after the name
 * @after (%NULL: from the first). Returns whether more follow. Costs what
 * it lists, whatever the session's size. */
gboolean     pc_evaluator_list_variables (PcEvaluator        *self,
                                          const char         *after,
                                          guint               limit,
                                          PcEvaluatorVarFunc  func,
                                          gpointer            user_data);
/* How many session variables there are, ans included. */
guint        pc_evaluator_n_variables   (PcEvaluator        *self);
/* At most @max_variables variables besides ans (0: no limit): a request
 * that would define more fails with PC_EVAL_ERROR_TOO_MANY_VARIABLES and
 * changes nothing. */
void         pc_evaluator_set_max_variables (PcEvaluator    *self,
                                             guint           max_variables);
/* Forgets the session variable or user function @name
 * (PC_EVAL_ERROR_NOT_A_VARIABLE if there is none). ans cannot be
 * forgotten: unsetting it sets it to 0. */
gboolean     pc_evaluator_unset         (PcEvaluator        *self,
                                         const char         *name,
                                         GError            **error);
/* Forgets every session variable and user function; ans is back to 0. */
void         pc_evaluator_reset         (PcEvaluator        *self);

typedef void (*PcEvaluatorFunFunc) (const char *name,
                                    guint       n_params,
                                    const char *text,
                                    gpointer    user_data);

/* User functions in name order (strcmp), with their definitions' text.
 * @func must not change the evaluator. */
void         pc_evaluator_foreach_function (PcEvaluator        *self,
                                            PcEvaluatorFunFunc  func,
                                            gpointer            user_data);
guint        pc_evaluator_n_functions   (PcEvaluator        *self);

void         pc_eval_error_detail_clear (PcEvalErrorDetail  *detail);

/* A stable name for @code ("unexpected-operator"), sent as "reason" in
 * the data of error 1000 so that clients can word the error in their own
 * language; "invalid-expression" for codes without a name of their own. */
const char  *pc_eval_error_reason       (int                 code);

/* The catalogue answering the `functions` method: every function muparser
 * defines, and the constants pi, e and their muparser names _pi, _e. */
typedef struct
{
  const char *name;
  const char *description;  /* English, e.g. "sine (radians)" */
  int         n_args;       /* -1: any number */
} PcCatalogFunction;

typedef struct
{
  const char *name;
  const char *description;
  double      value;
} PcCatalogConstant;

const PcCatalogFunction *pc_evaluator_functions (guint *n_functions);
/* Binary and unary operators, e.g. "+", "-", "^", "==", "&&", "?:", "=";
 * "+" and "-" are both binary and unary. The array is also NULL-terminated. */
const char * const      *pc_evaluator_operators (guint *n_operators);
const PcCatalogConstant *pc_evaluator_constants (guint *n_constants);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcEvaluator, pc_evaluator_free)

/* ---- Sampling (the `sample` method) ------------------------------------ */

/* Points one sample may have. */
#define PC_EVAL_SAMPLE_MIN_POINTS 2
#define PC_EVAL_SAMPLE_MAX_POINTS 1000000

/* One expression evaluated at evenly spaced values of one variable, a
 * chunk at a time, so that a caller can write each chunk out before it
 * asks for the next. It holds parsers that know the session's functions:
 * the session must not change while it lives (the server answers nothing
 * else of the session meanwhile). */
typedef struct _PcSampler PcSampler;

/* Whether @name can be sampled over: a name muparser accepts, not a
 * function's or a constant's. On failure @error (PC_EVAL_ERROR_INVALID_PARAMETER)
 * says why, in English. */
gboolean      pc_evaluator_check_sample_variable (PcEvaluator   *self,
                                                  const char    *name,
                                                  GError       **error);
/* Parses @expr once for sampling over @variable from @from to @to
 * (finite, different, @to - @from finite) at @points points (2 to
 * PC_EVAL_SAMPLE_MAX_POINTS): the caller has checked those. The session's
 * variables and functions are visible, a session variable named @variable
 * hidden; nothing in the session changes, ans neither. Fails like
 * pc_evaluator_eval() for an expression that does not parse or names
 * what does not exist, with PC_EVAL_ERROR_SEVERAL_RESULTS for "1, x" and
 * PC_EVAL_ERROR_ASSIGNMENT for an assignment or a definition. */
PcSampler    *pc_evaluator_sample        (PcEvaluator        *self,
                                          const char         *expr,
                                          const char         *variable,
                                          double              from,
                                          double              to,
                                          guint               points,
                                          PcEvalErrorDetail  *detail,
                                          GError            **error);
/* The distance between two points. */
double        pc_sampler_get_step        (PcSampler          *sampler);
/* The value of the variable at point @i: @from + @i * step, and the last
 * exactly @to. */
double        pc_sampler_x               (PcSampler          *sampler,
                                          guint               i);
/* Evaluates the next points, as many as take about @budget_usec (at
 * least one, at most a few thousand), and points @values at them (owned
 * by the sampler, valid until the next call). Returns how many; 0 once
 * all were given. A value that is not a number, or a point where a
 * function fails (a domain error, too many calls), is NaN; so is every
 * point after the sample made 100 times PC_EVAL_MAX_CALLS user function
 * calls in all. */
guint         pc_sampler_next            (PcSampler          *sampler,
                                          guint               budget_usec,
                                          const double      **values);
void          pc_sampler_free            (PcSampler          *sampler);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcSampler, pc_sampler_free)

G_END_DECLS
