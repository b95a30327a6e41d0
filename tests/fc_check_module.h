/* tests/fc_check_module.h -- assertions shared by the tests of derivation
 * modules (check_continuity, check_score, check_guidance, ...).
 *
 * Include after fc_check.h with FC_CK_MODULE defined as the module's name:
 * run_claim runs one claim of that module at the quick sizes and asserts
 * its verdict, run_control one of its controls, and FC_CLAIM_TEST and
 * FC_CONTROL_TEST make either a test whose body gets the verdict; the
 * metric helpers read a verdict's metrics by name, one or several at a
 * time.  What every module shares (the figure data
 * files and their headers, a missing output directory, every control's
 * declared verdict) is tested once over the registry, in check_registry
 * and check_controls.  */
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

/* Options of a check at the quick sizes with seed S, silent.  */
static inline fc_run_options
quick_options (unsigned long s)
{
  fc_run_options opt = { .seed = s, .quick = 1 };
  return opt;
}

/* The module under test, asserted registered.  */
static inline const fc_module *
module_under_test (void)
{
  const fc_module *m = fc_module_find (FC_CK_MODULE);
  ck_assert_ptr_nonnull (m);
  return m;
}

/* The module under test is NAME and lists exactly the N_IDS claims IDS, in
   this order, each with a check function, a source section, a statement
   and at least one control; returns the module for further assertions.  */
static inline const fc_module *
assert_claim_table (const char *name, const char *const *ids, size_t n_ids)
{
  const fc_module *m = module_under_test ();
  ck_assert_str_eq (m->name, name);
  ck_assert_uint_eq (m->n_claims, n_ids);
  for (size_t i = 0; i < m->n_claims; i++)
    {
      ck_assert_str_eq (m->claims[i].id, ids[i]);
      ck_assert_ptr_nonnull (m->claims[i].check);
      ck_assert (strlen (m->claims[i].section) > 0);
      ck_assert (strlen (m->claims[i].statement) > 0);
      ck_assert_msg (m->claims[i].n_controls > 0, "%s has no control",
                     ids[i]);
    }
  return m;
}

/* The claim ID of the module under test.  */
static inline const fc_claim *
claim_under_test (const char *id)
{
  const fc_module *m = NULL;
  const fc_claim *c = fc_claim_find (id, &m);
  ck_assert_msg (c != NULL, "no claim %s", id);
  ck_assert_ptr_eq (m, module_under_test ());
  return c;
}

/* V ran (STATUS), came out EXPECTED and has a note.  */
static inline void
assert_verdict (const fc_verdict *v, const char *what, int status,
                fc_verdict_kind expected)
{
  ck_assert_msg (status == GSL_SUCCESS, "%s failed to run: %s", what,
                 gsl_strerror (status));
  ck_assert_msg (v->verdict == expected, "%s: verdict %s, expected %s (%s)",
                 what, fc_verdict_name (v->verdict),
                 fc_verdict_name (expected), v->note);
  ck_assert_msg (strlen (v->note) > 0, "%s has no note", what);
}

/* Run claim ID with the quick sizes into V; assert it ran and that the
   verdict is EXPECTED (and is the claim table's expectation too).  */
static inline void
run_claim (const char *id, fc_verdict_kind expected, fc_verdict *v)
{
  const fc_claim *c = claim_under_test (id);
  ck_assert_int_eq (c->expected, expected);
  fc_run_options opt = quick_options (SEED);
  int status = fc_claim_run (module_under_test (), c, &opt, v);
  assert_verdict (v, id, status, expected);
}

/* Run the control NAME of claim ID with the quick sizes into V; assert it
   ran and that the verdict is EXPECTED (and the control's declared
   verdict too).  */
static inline void
run_control (const char *id, const char *name, fc_verdict_kind expected,
             fc_verdict *v)
{
  const fc_claim *c = claim_under_test (id);
  const fc_control *k = fc_control_find (c, name);
  ck_assert_msg (k != NULL, "%s has no control %s", id, name);
  ck_assert_int_eq (k->expected, expected);
  fc_run_options opt = quick_options (SEED);
  int status = fc_control_run (module_under_test (), c, k, &opt, v);
  char what[64];
  snprintf (what, sizeof what, "%s control %s", id, name);
  assert_verdict (v, what, status, expected);
}

/* FC_CLAIM_TEST (NAME, ID, EXPECTED) { BODY }: the test NAME of case
   "claims" runs claim ID (run_claim) and gives BODY its verdict as
   `const fc_verdict *v`, for the assertions on the decisive metrics.
   FC_CONTROL_TEST (NAME, ID, CONTROL, EXPECTED) { BODY }: the same for the
   control CONTROL of claim ID (run_control), in case "controls".  */
#define FC_VERDICT_TEST_(tcase, name, run)                                    \
  static void name##_verdict (const fc_verdict *v);                           \
  FC_TEST (tcase, name)                                                       \
  {                                                                           \
    fc_verdict fc_v_;                                                         \
    run;                                                                      \
    name##_verdict (&fc_v_);                                                  \
  }                                                                           \
  END_TEST                                                                    \
  static void name##_verdict (const fc_verdict *v)

#define FC_CLAIM_TEST(name, id, expected)                                     \
  FC_VERDICT_TEST_ ("claims", name, run_claim (id, expected, &fc_v_))

#define FC_CONTROL_TEST(name, id, control, expected)                          \
  FC_VERDICT_TEST_ ("controls", name,                                         \
                    run_control (id, control, expected, &fc_v_))

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

/* The figure NAME of V is of kind TEST (FC_TEST_NONE: reported) and, when
   deciding, passes (PASS 1) or fails (PASS 0).  */
static inline void
assert_figure (const fc_verdict *v, const char *name, fc_metric_test test, int pass)
{
  const fc_metric *m = metric (v, name);
  ck_assert_msg (m->test == test, "%s %s: kind %s", v->id, name,
                 fc_metric_test_name (m));
  if (test != FC_TEST_NONE)
    ck_assert_msg (m->pass == pass, "%s %s = %.17g (tolerance %.17g): pass %d",
                   v->id, name, m->value, m->tolerance, m->pass);
}

/* Each metric of the NULL-terminated list NAMES is at most its tolerance
   or, if ABOVE, above it (a figure that must exceed its level, or one
   that a broken control must push past its band).  NaN is neither.  */
static inline void
assert_each_against_band (const fc_verdict *v, int above,
                          const char *const *names)
{
  for (; *names != NULL; names++)
    {
      const fc_metric *m = metric (v, *names);
      int ok = above ? m->value > m->tolerance : m->value <= m->tolerance;
      ck_assert_msg (ok, "%s %s = %.17g %s %.17g", v->id, *names, m->value,
                     above ? "not above" : "above", m->tolerance);
    }
}

/* For each study of the NULL-terminated list NAMES: |order - 2| within
   the band the module derived, and rel(h_min) at or below the predicted
   truncation scale.  */
static inline void
assert_each_order_two (const fc_verdict *v, const char *const *names)
{
  char buf[FC_VERDICT_NAME_LEN];
  for (; *names != NULL; names++)
    {
      snprintf (buf, sizeof buf, "order_%s", *names);
      const fc_metric *o = metric (v, buf);
      fc_ck_assert_abs (o->value, 2.0, o->tolerance, "%s %s", v->id, buf);
      snprintf (buf, sizeof buf, "rel_hmin_%s", *names);
      assert_each_against_band (v, 0, (const char *const[]){ buf, NULL });
    }
}

/* assert_below (V, NAME...), assert_above (V, NAME...) and
   assert_order_two (V, STUDY...): the checks above over the metrics or
   studies named, one or several.  */
#define FC_CK_NAMES_(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define assert_below(v, ...)                                                  \
  assert_each_against_band ((v), 0, FC_CK_NAMES_ (__VA_ARGS__))
#define assert_above(v, ...)                                                  \
  assert_each_against_band ((v), 1, FC_CK_NAMES_ (__VA_ARGS__))
#define assert_order_two(v, ...)                                              \
  assert_each_order_two ((v), FC_CK_NAMES_ (__VA_ARGS__))

/* A residual that does not shrink: slope below a quarter of 2 (the stall
   threshold of fc_study.h) and rel(h_min) at least FACTOR times the
   truncation scale of a converging pair.  */
static inline void
assert_order_stalls (const fc_verdict *v, const char *name, double factor)
{
  char buf[FC_VERDICT_NAME_LEN];
  snprintf (buf, sizeof buf, "order_%s", name);
  const fc_metric *o = metric (v, buf);
  ck_assert_msg (fabs (o->value) < 0.5, "%s %s = %.17g", v->id, buf, o->value);
  snprintf (buf, sizeof buf, "rel_hmin_%s", name);
  const fc_metric *r = metric (v, buf);
  ck_assert_msg (r->value > factor * r->tolerance, "%s %s = %.17g vs %.17g",
                 v->id, buf, r->value, r->tolerance);
}

/* Claim ID run twice at the quick sizes with SEED gives the same value for
   every metric, bit for bit, and with SEED + 1 a different value of the
   seed-dependent metric NAME (so the draws do come from the seed).  */
static inline void
assert_claim_reproducible (const char *id, const char *name)
{
  const fc_claim *c = claim_under_test (id);
  const fc_module *m = module_under_test ();
  fc_run_options opt = quick_options (SEED);
  fc_verdict a, b, other;
  ck_assert_int_eq (fc_claim_run (m, c, &opt, &a), GSL_SUCCESS);
  ck_assert_int_eq (fc_claim_run (m, c, &opt, &b), GSL_SUCCESS);
  opt.seed = SEED + 1;
  ck_assert_int_eq (fc_claim_run (m, c, &opt, &other), GSL_SUCCESS);
  ck_assert_uint_eq (a.n_metrics, b.n_metrics);
  for (size_t i = 0; i < a.n_metrics; i++)
    ck_assert_msg (a.metric[i].value == b.metric[i].value,
                   "%s differs between runs", a.metric[i].name);
  ck_assert (fc_verdict_get (&a, name) != fc_verdict_get (&other, name));
}

#endif /* FC_CHECK_MODULE_H */
