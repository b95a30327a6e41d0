/* tests/check_controls.c -- every control of every claim comes out as its
 * claim table declares (derivations/fc_module.h "Controls").
 *
 * A control is the claim's own check run with one stated change that must
 * flip the outcome: a CONFIRMED identity broken by a small amount must not
 * be confirmed, a REFUTED statement's corrected form must be confirmed.
 * One loop test visits every control of the registry at the quick sizes
 * with the default seed, so a control added to any claim table is tested
 * without a line here.  The module tests assert the figures of the
 * controls that need more than a verdict.  */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"

#define SEED 20240501UL

/* The I-th control of the registry (claims in catalog order, controls in
   table order), its claim and module; 0 when there is no I-th.  */
static int
nth_control (size_t i, const fc_module **m, const fc_claim **c,
             const fc_control **k)
{
  for (size_t a = 0; fc_modules[a] != NULL; a++)
    for (size_t b = 0; b < fc_modules[a]->n_claims; b++)
      {
        const fc_claim *claim = &fc_modules[a]->claims[b];
        if (i < claim->n_controls)
          {
            *m = fc_modules[a], *c = claim, *k = &claim->controls[i];
            return 1;
          }
        i -= claim->n_controls;
      }
  return 0;
}

static size_t
n_controls (void)
{
  size_t n = 0;
  for (size_t a = 0; fc_modules[a] != NULL; a++)
    for (size_t b = 0; b < fc_modules[a]->n_claims; b++)
      n += fc_modules[a]->claims[b].n_controls;
  return n;
}

FC_LOOP_TEST ("every control", test_every_control_gets_the_verdict_its_table_declares,
              (int) n_controls ())
{
  const fc_module *m;
  const fc_claim *c;
  const fc_control *k;
  ck_assert (nth_control ((size_t) _i, &m, &c, &k));
  fc_run_options opt = { .seed = SEED, .quick = 1 };
  fc_verdict v;
  int status = fc_control_run (m, c, k, &opt, &v);
  ck_assert_msg (status == GSL_SUCCESS, "%s control %s failed to run: %s",
                 c->id, k->name, gsl_strerror (status));
  ck_assert_str_eq (v.id, c->id);
  ck_assert_msg (v.verdict == k->expected,
                 "%s control %s (%s): verdict %s, declared %s (%s)", c->id,
                 k->name, k->changes, fc_verdict_name (v.verdict),
                 fc_verdict_name (k->expected), v.note);
  ck_assert_msg (strlen (v.note) > 0, "%s control %s has no note", c->id,
                 k->name);
}
END_TEST

FC_CK_MAIN ("controls")
