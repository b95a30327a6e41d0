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

#define FC_VERDICT_MAX_METRICS 64
#define FC_VERDICT_NAME_LEN 48
#define FC_VERDICT_NOTE_LEN 240

/* What a figure does for the verdict.  A reported figure (FC_TEST_NONE)
   informs and decides nothing.  A deciding figure passes or fails its own
   criterion against its tolerance, and its kind says what a failure means
   (the rule of fc_verdict_decide):
     HOLDS  the claim as stated, or what an approximation promises (its
            limit, its rate, the case where it is exact), holds at this
            figure; a failure refutes the claim.
     EXACT  an approximation is exact at this figure (its error is at the
            noise or round-off level); a failure, with every HOLDS figure
            passing, makes the claim APPROXIMATE.
     VALID  the check is shown able to decide: the corrected form of a
            refuted statement is confirmed by the same machinery, a
            reference (the exact sampler) passes the same test; a failure
            leaves the claim undecided (NONE).  */
typedef enum
{
  FC_TEST_NONE = 0, /* reports */
  FC_TEST_HOLDS,
  FC_TEST_EXACT,
  FC_TEST_VALID,
  FC_TEST_COUNT
} fc_metric_test;

typedef struct
{
  char name[FC_VERDICT_NAME_LEN]; /* e.g. "order_linear", "rel_residual_hmin" */
  double value;                   /* the measured figure */
  double tolerance;               /* what it is judged against; NAN if none */
  fc_metric_test test;            /* FC_TEST_NONE: a reported figure */
  int pass;                       /* deciding figures: 1 passes, 0 fails;
                                     reported figures: -1 */
} fc_metric;

typedef struct
{
  const char *id;          /* claim identifier, "C2" */
  const char *module;      /* "continuity" */
  fc_verdict_kind verdict; /* decided by the module from the metrics */
  size_t n_metrics;
  fc_metric metric[FC_VERDICT_MAX_METRICS];
  size_t n_dropped; /* figures beyond FC_VERDICT_MAX_METRICS, not kept */
  char note[FC_VERDICT_NOTE_LEN]; /* one line: the decisive figure, in words */
} fc_verdict;

void
fc_verdict_init (fc_verdict *v, const char *id, const char *module);

/* Append a reported figure (role "reports", pass "-"), judged against
   nothing it could fail: TOLERANCE, when not NAN, is shown for reference
   only.  Keeps the first FC_VERDICT_MAX_METRICS figures and counts the
   others in n_dropped (a verdict that lost a figure is NONE).  */
void
fc_verdict_report (fc_verdict *v, const char *name, double value,
                   double tolerance);

/* Append a deciding figure of kind TEST (HOLDS, EXACT or VALID) with the
   outcome PASS (non-zero: it meets its criterion against TOLERANCE), which
   the caller computes beside the comparison, e.g.
     fc_verdict_decide (v, FC_TEST_HOLDS, "max_z", z, band, z <= band);
   TEST FC_TEST_NONE appends a reported figure.  */
void
fc_verdict_decide (fc_verdict *v, fc_metric_test test, const char *name,
                   double value, double tolerance, int pass);

/* The verdict of the deciding figures of V (the rule is the claim's, the
   same for every claim; fc_claim_run and fc_control_run apply it):
     NONE         no deciding figure, or a VALID figure fails;
     REFUTED      else a HOLDS figure fails;
     APPROXIMATE  else an EXACT figure fails;
     CONFIRMED    else (every deciding figure passes).
   Reported figures play no part.  */
fc_verdict_kind
fc_verdict_rule (const fc_verdict *v);

/* Number of deciding figures of V.  */
size_t
fc_verdict_n_deciding (const fc_verdict *v);

/* "decides" or "reports"; "holds", "exact", "valid" or "-"; "yes", "no"
   or "-".  */
const char *
fc_metric_role_name (const fc_metric *m);
const char *
fc_metric_test_name (const fc_metric *m);
const char *
fc_metric_pass_name (const fc_metric *m);

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
   tolerance, the deciding figures first (with their kind and "pass" or
   "FAIL"), then the reported ones, in fixed-width columns.  */
void
fc_verdict_print_row (FILE *out, const fc_verdict *v,
                      fc_verdict_kind expected);

/* The same for a variant of the claim (a control): LABEL (its name) after
   the identifier, "C3    control LABEL", then the row as above.  */
void
fc_verdict_print_row_as (FILE *out, const fc_verdict *v, const char *label,
                         fc_verdict_kind expected);

/* Header of the machine-readable form:
   "id\tmodule\texpected\tverdict\tmetric\tvalue\ttolerance\trole\tpass\ttests",
   role "decides" or "reports", pass "yes", "no" or "-", tests the kind of
   a deciding figure ("holds", "exact", "valid") or "-".  */
void
fc_verdict_print_tsv_header (FILE *out);

/* One TSV row per metric (%.17g values), the deciding figures first. */
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
