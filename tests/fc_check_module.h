/* tests/fc_check_module.h -- assertions shared by the tests of derivation
 * modules (check_continuity, check_score, check_guidance, ...).
 *
 * Include after fc_check.h with FC_CK_MODULE defined as the module's name:
 * run_claim runs one claim of that module at the quick sizes and asserts
 * its verdict; the metric helpers read a verdict's metrics by name.  */
#ifndef FC_CHECK_MODULE_H
#define FC_CHECK_MODULE_H

#include <stdio.h>
#include <string.h>
#include <check.h>
#include <gsl/gsl_errno.h>
#include "fc_check.h"
#include "fc_module.h"

#ifndef FC_CK_MODULE
#error "define FC_CK_MODULE (the module's name) before including fc_check_module.h"
#endif

#define SEED 20240501UL

/* The module under test, asserted registered.  */
static inline const fc_module *
module_under_test (void)
{
  const fc_module *m = fc_module_find (FC_CK_MODULE);
  ck_assert_ptr_nonnull (m);
  return m;
}

/* Run claim ID with the quick sizes into V; assert it ran and that the
   verdict is EXPECTED (and is the claim table's expectation too).  */
static inline void
run_claim (const char *id, fc_verdict_kind expected, fc_verdict *v)
{
  const fc_module *m = NULL;
  const fc_claim *c = fc_claim_find (id, &m);
  ck_assert_ptr_nonnull (c);
  ck_assert_ptr_eq (m, module_under_test ());
  ck_assert_int_eq (c->expected, expected);
  fc_run_options opt = { SEED, NULL, 1, NULL };
  int status = fc_claim_run (m, c, &opt, v);
  ck_assert_msg (status == GSL_SUCCESS, "%s failed to run: %s", id,
                 gsl_strerror (status));
  ck_assert_msg (v->verdict == expected, "%s: verdict %s, expected %s (%s)",
                 id, fc_verdict_name (v->verdict), fc_verdict_name (expected),
                 v->note);
  ck_assert_msg (strlen (v->note) > 0, "%s has no note", id);
}

/* The metric NAME of V; the test fails when there is none.  */
static inline const fc_metric *
metric (const fc_verdict *v, const char *name)
{
  for (size_t i = 0; i < v->n_metrics; i++)
    if (strcmp (v->metric[i].name, name) == 0)
      return &v->metric[i];
  ck_abort_msg ("%s has no metric %s", v->id, name);
  return NULL;
}

/* The metric NAME is at most its tolerance.  */
static inline void
assert_below (const fc_verdict *v, const char *name)
{
  const fc_metric *m = metric (v, name);
  ck_assert_msg (m->value <= m->tolerance, "%s %s = %.17g above %.17g", v->id,
                 name, m->value, m->tolerance);
}

/* |order - 2| within the band the module derived, and rel(h_min) at or
   below the predicted truncation scale.  */
static inline void
assert_order_two (const fc_verdict *v, const char *name)
{
  char buf[FC_VERDICT_NAME_LEN];
  snprintf (buf, sizeof buf, "order_%s", name);
  const fc_metric *o = metric (v, buf);
  fc_ck_assert_abs (o->value, 2.0, o->tolerance, "%s %s", v->id, buf);
  snprintf (buf, sizeof buf, "rel_hmin_%s", name);
  assert_below (v, buf);
}

#endif /* FC_CHECK_MODULE_H */
