/* derivations/doob.c -- Doob's h-transform: conditioning an SDE on its end
 * point (N §Doob's h-transform).
 *
 * Claims H1-H3 of DERIVATIONS.md.  The note writes the process
 *   dX = f_t(X) dt + sigma_t dB
 * conditioned on X_T = x_T as
 *   dH = (f_t(H) + sigma_t^2 grad log h(t, H)) dt + sigma_t dB,
 *   h(t, x) = p(X_T = x_T | X_t = x),
 * and asks whether the construction survives sigma -> 0.
 *
 *  H1  the h-transformed SDE has the conditioned law: Brownian motion and
 *      Ornstein-Uhlenbeck bridges against their exact marginals
 *      (doob_gauss.c), and a double well whose h is computed on a grid,
 *      against rejection-conditioned paths (doob_well.c).
 *  H2  sigma -> 0: the BM and OU h-drifts do not depend on sigma, bridge
 *      paths converge to the deterministic bridge at a measured rate, and
 *      for BM at T = 1 the limit field is (x1 - x)/(1 - t).
 *  H3  Euler-Maruyama on the bridge: weak, strong (interior) and endpoint
 *      orders.
 *
 * This file is the claim table; the parts measure (doob.h).  */
#include <config.h>

#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "doob.h"
#include "fc_module.h"

#define DB_SECTION "N §Doob's h-transform"

/* H1 holds when both parts confirm it (fc_verdict_combine).  */
static int
db_check_h1 (const fc_run_options *opt, fc_verdict *v)
{
  char note_gauss[FC_DOOB_NOTE_LEN] = "", note_well[FC_DOOB_NOTE_LEN] = "";
  fc_verdict_kind kind[2] = { FC_VERDICT_NONE, FC_VERDICT_NONE };
  int status = fc_doob_h1_gaussian (opt, v, &kind[0], note_gauss);
  if (status)
    return status;
  status = fc_doob_h1_double_well (opt, 0, v, &kind[1], note_well);
  if (status)
    return status;
  v->verdict = fc_verdict_combine (2, kind);
  fc_verdict_note (v, "%s; %s", note_gauss, note_well);
  return GSL_SUCCESS;
}

static const fc_claim db_claims[] = {
  { "H1", DB_SECTION,
    "dX = f dt + sigma dB conditioned on X_T = x_T has drift f + sigma^2 "
    "grad log h, h(t, x) = p(X_T = x_T | X_t = x)",
    FC_VERDICT_CONFIRMED, db_check_h1, NULL, 0 },
  { "H2", DB_SECTION,
    "sigma -> 0: the BM and OU h-drifts do not depend on sigma, bridges "
    "tend to the deterministic bridge; BM at T = 1 gives (x1 - x)/(1 - t)",
    FC_VERDICT_CONFIRMED, fc_doob_h2_check, NULL, 0 },
  { "H3", DB_SECTION,
    "Euler-Maruyama on the bridge (drift singular at T): weak order 1, "
    "strong order 1 at interior times (additive noise), endpoint order 1/2",
    FC_VERDICT_CONFIRMED, fc_doob_h3_check, NULL, 0 },
};

static int
db_write_figure_data (const fc_run_options *opt)
{
  int status = fc_doob_write_gauss_figures (opt);
  if (status)
    return status;
  return fc_doob_write_well_figures (opt);
}

/* Until the figure writer renders the checks' record: the old writer. */
static int
db_write_legacy (const fc_run_options *opt, const void *record)
{
  (void) record;
  return db_write_figure_data (opt);
}

const fc_module fc_module_doob
    = { "doob",
        "Doob h-transform drift, its sigma -> 0 limit and bridge simulation "
        "orders (N §Doob's h-transform)",
        db_claims, sizeof db_claims / sizeof db_claims[0],
        NULL, 0, 1, db_write_legacy, NULL };
