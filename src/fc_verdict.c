/* src/fc_verdict.c -- a claim's measured result and its verdict.
 *
 * A verdict record carries the figures a module measured and the tolerance
 * each is judged against (ARCHITECTURE.md "Numerical habits": a tolerance is
 * printed next to the figure it bounds).  Two renderings: the human table of
 * `flowcheck run` and a TSV form, one row per metric, for scripts.  */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fc_parse.h"
#include "fc_verdict.h"

static const char *const fc_verdict_names[FC_VERDICT_COUNT]
    = { "NONE", "CONFIRMED", "REFUTED", "APPROXIMATE" };

void
fc_verdict_init (fc_verdict *v, const char *id, const char *module)
{
  memset (v, 0, sizeof *v);
  v->id = id;
  v->module = module;
  v->verdict = FC_VERDICT_NONE;
}

static const char *const fc_metric_test_names[FC_TEST_COUNT]
    = { "-", "holds", "exact", "valid" };

void
fc_verdict_decide (fc_verdict *v, fc_metric_test test, const char *name,
                   double value, double tolerance, int pass)
{
  if (v->n_metrics >= FC_VERDICT_MAX_METRICS)
    {
      v->n_dropped++;
      return;
    }
  fc_metric *m = &v->metric[v->n_metrics++];
  /* snprintf truncates an over-long name rather than overrunning it.  */
  snprintf (m->name, sizeof m->name, "%s", name);
  m->value = value;
  m->tolerance = tolerance;
  m->test = test < FC_TEST_COUNT ? test : FC_TEST_NONE;
  m->pass = m->test == FC_TEST_NONE ? -1 : (pass != 0);
}

void
fc_verdict_report (fc_verdict *v, const char *name, double value,
                   double tolerance)
{
  fc_verdict_decide (v, FC_TEST_NONE, name, value, tolerance, 0);
}

size_t
fc_verdict_n_deciding (const fc_verdict *v)
{
  size_t n = 0;
  for (size_t i = 0; i < v->n_metrics; i++)
    n += v->metric[i].test != FC_TEST_NONE;
  return n;
}

fc_verdict_kind
fc_verdict_rule (const fc_verdict *v)
{
  int holds_fails = 0, exact_fails = 0;
  if (fc_verdict_n_deciding (v) == 0 || v->n_dropped > 0)
    return FC_VERDICT_NONE;
  for (size_t i = 0; i < v->n_metrics; i++)
    {
      const fc_metric *m = &v->metric[i];
      if (m->test == FC_TEST_NONE || m->pass)
        continue;
      if (m->test == FC_TEST_VALID)
        return FC_VERDICT_NONE; /* the check could not show it decides */
      holds_fails |= m->test == FC_TEST_HOLDS;
      exact_fails |= m->test == FC_TEST_EXACT;
    }
  if (holds_fails)
    return FC_VERDICT_REFUTED;
  return exact_fails ? FC_VERDICT_APPROXIMATE : FC_VERDICT_CONFIRMED;
}

const char *
fc_metric_role_name (const fc_metric *m)
{
  return m->test == FC_TEST_NONE ? "reports" : "decides";
}

const char *
fc_metric_test_name (const fc_metric *m)
{
  return fc_parse_index_name (fc_metric_test_names, FC_TEST_COUNT,
                              (int) m->test, "-");
}

const char *
fc_metric_pass_name (const fc_metric *m)
{
  if (m->test == FC_TEST_NONE)
    return "-";
  return m->pass ? "yes" : "no";
}

void
fc_verdict_note (fc_verdict *v, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (v->note, sizeof v->note, fmt, ap);
  va_end (ap);
}

fc_verdict_kind
fc_verdict_combine (size_t n, const fc_verdict_kind *k)
{
  size_t n_conf = 0, n_ref = 0;
  if (n == 0)
    return FC_VERDICT_NONE;
  for (size_t i = 0; i < n; i++)
    {
      if (k[i] == FC_VERDICT_NONE || k[i] >= FC_VERDICT_COUNT)
        return FC_VERDICT_NONE;
      n_conf += k[i] == FC_VERDICT_CONFIRMED;
      n_ref += k[i] == FC_VERDICT_REFUTED;
    }
  if (n_conf == n)
    return FC_VERDICT_CONFIRMED;
  return n_ref > 0 ? FC_VERDICT_REFUTED : FC_VERDICT_APPROXIMATE;
}

double
fc_verdict_get (const fc_verdict *v, const char *name)
{
  for (size_t i = 0; i < v->n_metrics; i++)
    if (strcmp (v->metric[i].name, name) == 0)
      return v->metric[i].value;
  return NAN;
}

const char *
fc_verdict_name (fc_verdict_kind k)
{
  return fc_parse_index_name (fc_verdict_names, FC_VERDICT_COUNT, (int) k,
                              "NONE");
}

int
fc_verdict_parse (const char *name, fc_verdict_kind *k)
{
  int i = fc_parse_name_index (fc_verdict_names, FC_VERDICT_COUNT, name);
  if (i >= 0)
    {
      *k = (fc_verdict_kind) i;
      return GSL_SUCCESS;
    }
  GSL_ERROR ("not a verdict name (CONFIRMED, REFUTED, APPROXIMATE, NONE)",
             GSL_EINVAL);
}

void
fc_verdict_print_row (FILE *out, const fc_verdict *v,
                      fc_verdict_kind expected)
{
  fc_verdict_print_row_as (out, v, NULL, expected);
}

/* One figure of the human table: "decides holds NAME VALUE tol T pass"
   for a deciding figure, "reports       NAME VALUE" for a reported one
   (with its reference tolerance, when it has one, in parentheses).  */
static void
fc_verdict_print_metric (FILE *out, const fc_metric *m)
{
  fprintf (out, "      %-7s %-5s %-30s ", fc_metric_role_name (m),
           m->test != FC_TEST_NONE ? fc_metric_test_name (m) : "", m->name);
  if (m->test != FC_TEST_NONE)
    fprintf (out, "%-13.6g tol %-11.6g %s\n", m->value, m->tolerance,
             m->pass ? "pass" : "FAIL");
  else if (isnan (m->tolerance))
    fprintf (out, "%.6g\n", m->value);
  else
    fprintf (out, "%-13.6g (ref %.6g)\n", m->value, m->tolerance);
}

void
fc_verdict_print_row_as (FILE *out, const fc_verdict *v, const char *label,
                         fc_verdict_kind expected)
{
  /* Fixed-width columns, so that a table of claims reads down: the claim,
     the two verdicts and the match flag on one line, the note below it,
     then one figure per line with the tolerance it is judged against.  */
  fprintf (out, "%-4s  ", v->id ? v->id : "?");
  if (label != NULL)
    fprintf (out, "control %s: ", label);
  fprintf (out, "expected %-11s  measured %-11s  %s\n",
           fc_verdict_name (expected), fc_verdict_name (v->verdict),
           v->verdict == expected ? "ok" : "MISMATCH");
  if (v->note[0] != '\0')
    fprintf (out, "      %s\n", v->note);
  /* Deciding figures first, so that what decided the verdict reads first;
     then the reported ones.  */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < v->n_metrics; i++)
      {
        const fc_metric *m = &v->metric[i];
        if ((m->test == FC_TEST_NONE) != (pass == 1))
          continue;
        fc_verdict_print_metric (out, m);
      }
}

void
fc_verdict_print_tsv_header (FILE *out)
{
  fputs ("id\tmodule\texpected\tverdict\tmetric\tvalue\ttolerance\trole\t"
         "pass\ttests\n",
         out);
}

/* %.17g prints a NAN as "nan" or "-nan" depending on the sign bit; the
   contract is the one spelling "nan".  */
static void
fc_verdict_print_number (FILE *out, double x)
{
  if (isnan (x))
    fputs ("nan", out);
  else
    fprintf (out, "%.17g", x);
}

void
fc_verdict_print_tsv (FILE *out, const fc_verdict *v,
                      fc_verdict_kind expected)
{
  fc_verdict_print_tsv_as (out, v, v->module ? v->module : "?", expected);
}

void
fc_verdict_print_tsv_as (FILE *out, const fc_verdict *v, const char *label,
                         fc_verdict_kind expected)
{
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < v->n_metrics; i++)
      {
        const fc_metric *m = &v->metric[i];
        if ((m->test == FC_TEST_NONE) != (pass == 1))
          continue;
        fprintf (out, "%s\t%s\t%s\t%s\t%s\t", v->id ? v->id : "?", label,
                 fc_verdict_name (expected), fc_verdict_name (v->verdict),
                 m->name);
        fc_verdict_print_number (out, m->value);
        fputc ('\t', out);
        fc_verdict_print_number (out, m->tolerance);
        fprintf (out, "\t%s\t%s\t%s\n", fc_metric_role_name (m),
                 fc_metric_pass_name (m), fc_metric_test_name (m));
      }
}
