/* src/fc_verdict.h -- a claim's measured result and its verdict.
 *
 * CATALOG.md: CONFIRMED (residual at discretisation level, shrinking at
 * the predicted order, or at round-off for pointwise identities), REFUTED
 * (residual bounded away from zero under refinement), APPROXIMATE (a stated
 * approximation whose error is quantified).  A module measures and decides
 * the verdict from its measurements by a stated rule; it never sees the
 * expected verdict, which lives in the catalog (the claim table) and in the
 * tests.  Every metric carries the tolerance it is judged against.  */
#ifndef FC_VERDICT_H
#define FC_VERDICT_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  FC_VERDICT_NONE = 0, /* not measured (the check failed to run) */
  FC_VERDICT_CONFIRMED,
  FC_VERDICT_REFUTED,
  FC_VERDICT_APPROXIMATE,
  FC_VERDICT_COUNT
} fc_verdict_kind;

#define FC_VERDICT_MAX_METRICS 24
#define FC_VERDICT_NAME_LEN 48
#define FC_VERDICT_NOTE_LEN 240

typedef struct
{
  char name[FC_VERDICT_NAME_LEN]; /* e.g. "order_linear", "rel_residual_hmin" */
  double value;                   /* the measured figure */
  double tolerance;               /* what it is judged against; NAN if none */
} fc_metric;

typedef struct
{
  const char *id;          /* claim identifier, "C2" */
  const char *module;      /* "continuity" */
  fc_verdict_kind verdict; /* decided by the module from the metrics */
  size_t n_metrics;
  fc_metric metric[FC_VERDICT_MAX_METRICS];
  char note[FC_VERDICT_NOTE_LEN]; /* one line: the decisive figure, in words */
} fc_verdict;

void
fc_verdict_init (fc_verdict *v, const char *id, const char *module);

/* Append a metric; silently keeps the first FC_VERDICT_MAX_METRICS. */
void
fc_verdict_add (fc_verdict *v, const char *name, double value,
                double tolerance);

/* printf-style one-line note. */
void
fc_verdict_note (fc_verdict *v, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* Value of the metric NAME, NAN when absent. */
double
fc_verdict_get (const fc_verdict *v, const char *name);

/* The verdict of a claim measured over N cases with verdicts K (n): it
   holds when every case confirms it (CONFIRMED), one refuting case refutes
   it (REFUTED), anything else is inconclusive (APPROXIMATE).  N = 0 gives
   FC_VERDICT_NONE (nothing was measured), and so does any case NONE: a
   case that failed to run decides nothing.  */
fc_verdict_kind
fc_verdict_combine (size_t n, const fc_verdict_kind *k);

const char *
fc_verdict_name (fc_verdict_kind k);  /* "CONFIRMED", ... , "NONE" */

/* GSL_EINVAL when NAME is not a verdict name. */
int
fc_verdict_parse (const char *name, fc_verdict_kind *k);

/* The human table: one line per claim (id, expected and measured verdicts,
   "ok" or "MISMATCH"), the note below it, then one line per metric with its
   tolerance, in fixed-width columns.  */
void
fc_verdict_print_row (FILE *out, const fc_verdict *v,
                      fc_verdict_kind expected);

/* The same for a variant of the claim (a control): LABEL (its name) after
   the identifier, "C3    control LABEL", then the row as above.  */
void
fc_verdict_print_row_as (FILE *out, const fc_verdict *v, const char *label,
                         fc_verdict_kind expected);

/* Header of the machine-readable form:
   "id\tmodule\texpected\tverdict\tmetric\tvalue\ttolerance". */
void
fc_verdict_print_tsv_header (FILE *out);

/* One TSV row per metric (%.17g values). */
void
fc_verdict_print_tsv (FILE *out, const fc_verdict *v,
                      fc_verdict_kind expected);

/* The same with LABEL in the second column in place of the module (the
   control's name in "id control expected verdict metric value
   tolerance").  */
void
fc_verdict_print_tsv_as (FILE *out, const fc_verdict *v, const char *label,
                         fc_verdict_kind expected);

#ifdef __cplusplus
}
#endif
#endif /* FC_VERDICT_H */
