/* tests/check_controls.c -- every control of every claim comes out as its
 * claim table declares (derivations/fc_module.h "Controls").
 *
 * A control is the claim's own check run with one stated change that must
 * flip the outcome: a CONFIRMED identity broken by a small amount must not
 * be confirmed, a REFUTED statement's corrected form must be confirmed.
 * One loop test visits every claim of the registry at the quick sizes with
 * the default seed: it runs the claim and each of its controls, asserts
 * each control's declared verdict, and asserts that every deciding figure
 * of the claim is flipped (passes where the claim's run fails it, or the
 * reverse) by at least one control: a deciding figure no control can move
 * decides nothing.  A claim or control added to any table is tested
 * without a line here.  The module tests assert the figures of the
 * controls that need more than a verdict.
 *
 * Each module builds this file as its own test program,
 * tests/check_controls_NAME, with FC_CONTROLS_MODULE defined to "NAME"
 * (in its module.am): the claims of the other modules then pass without
 * running, and `make -j check` runs the modules side by side.  Without it
 * (a developer's build), FC_CHECK_MODULE=NAME in the environment does the
 * same, and no name runs every module.  tests/catalog.test checks that
 * every registered module has its program.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"

#define SEED 20240501UL

/* The I-th claim of the registry (in catalog order) and its module; 0
   when there is no I-th.  */
static int
nth_claim (size_t i, const fc_module **m, const fc_claim **c)
{
  for (size_t a = 0; fc_modules[a] != NULL; a++)
    {
      if (i < fc_modules[a]->n_claims)
        {
          *m = fc_modules[a], *c = &fc_modules[a]->claims[i];
          return 1;
        }
      i -= fc_modules[a]->n_claims;
    }
  return 0;
}

static size_t
n_claims (void)
{
  size_t n = 0;
  for (size_t a = 0; fc_modules[a] != NULL; a++)
    n += fc_modules[a]->n_claims;
  return n;
}

/* The deciding figure NAME of V, or NULL.  */
static const fc_metric *
deciding_figure (const fc_verdict *v, const char *name)
{
  for (size_t i = 0; i < v->n_metrics; i++)
    if (v->metric[i].test != FC_TEST_NONE
        && strcmp (v->metric[i].name, name) == 0)
      return &v->metric[i];
  return NULL;
}

/* Run control K of claim C and assert its declared verdict into V.  */
static void
run_declared_control (const fc_module *m, const fc_claim *c,
                      const fc_control *k, fc_verdict *v)
{
  fc_run_options opt = { .seed = SEED, .quick = 1 };
  int status = fc_control_run (m, c, k, &opt, v);
  ck_assert_msg (status == GSL_SUCCESS, "%s control %s failed to run: %s",
                 c->id, k->name, gsl_strerror (status));
  ck_assert_str_eq (v->id, c->id);
  ck_assert_msg (v->verdict == k->expected,
                 "%s control %s (%s): verdict %s, declared %s (%s)", c->id,
                 k->name, k->changes, fc_verdict_name (v->verdict),
                 fc_verdict_name (k->expected), v->note);
  ck_assert_msg (strlen (v->note) > 0, "%s control %s has no note", c->id,
                 k->name);
}

/* Mark in FLIPPED (one flag per figure of CLAIM) the deciding figures of
   CLAIM whose outcome V reverses.  */
static void
mark_flipped (const fc_verdict *claim, const fc_verdict *v, int *flipped)
{
  for (size_t i = 0; i < claim->n_metrics; i++)
    {
      const fc_metric *f = deciding_figure (v, claim->metric[i].name);
      if (f != NULL && claim->metric[i].test != FC_TEST_NONE
          && f->pass != claim->metric[i].pass)
        flipped[i] = 1;
    }
}

/* The module whose claims this program tests, or NULL for all.  */
static const char *
fc_controls_module (void)
{
#ifdef FC_CONTROLS_MODULE
  return FC_CONTROLS_MODULE;
#else
  return getenv ("FC_CHECK_MODULE");
#endif
}

/* A misspelt module name would leave every iteration passing without
   running a claim.  */
FC_TEST ("module", test_the_module_named_exists_and_has_claims)
{
  const char *only = fc_controls_module ();
  if (only == NULL)
    return;
  const fc_module *m = fc_module_find (only);
  ck_assert_msg (m != NULL, "no module named '%s'", only);
  ck_assert_uint_gt (m->n_claims, 0);
}
END_TEST

FC_LOOP_TEST ("every claim", test_every_control_gets_its_declared_verdict_and_every_deciding_figure_can_fail,
              (int) n_claims ())
{
  const fc_module *m;
  const fc_claim *c;
  ck_assert (nth_claim ((size_t) _i, &m, &c));
  const char *only = fc_controls_module ();
  if (only != NULL && strcmp (only, m->name) != 0)
    return;
  fc_run_options opt = { .seed = SEED, .quick = 1 };
  fc_verdict claim, v;
  int status = fc_claim_run (m, c, &opt, &claim);
  ck_assert_msg (status == GSL_SUCCESS, "%s failed to run: %s", c->id,
                 gsl_strerror (status));
  ck_assert_msg (fc_verdict_n_deciding (&claim) > 0,
                 "%s has no deciding figure", c->id);
  int flipped[FC_VERDICT_MAX_METRICS] = { 0 };
  for (size_t k = 0; k < c->n_controls; k++)
    {
      run_declared_control (m, c, &c->controls[k], &v);
      mark_flipped (&claim, &v, flipped);
    }
  char unmoved[FC_VERDICT_MAX_METRICS * (FC_VERDICT_NAME_LEN + 1)] = "";
  for (size_t i = 0; i < claim.n_metrics; i++)
    if (claim.metric[i].test != FC_TEST_NONE && !flipped[i])
      {
        strcat (unmoved, " ");
        strcat (unmoved, claim.metric[i].name);
      }
  ck_assert_msg (unmoved[0] == '\0',
                 "%s: no control flips the deciding figure(s)%s", c->id,
                 unmoved);
}
END_TEST

FC_CK_MAIN ("controls")
