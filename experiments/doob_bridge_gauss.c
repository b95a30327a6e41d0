/* experiments/doob_bridge_gauss.c -- the Gaussian sweeps of
 * experiments/doob-bridge: Brownian and Ornstein-Uhlenbeck bridges
 * (claims H1 (a, b), H2, H3 of module `doob`, N §Doob's h-transform), each
 * a study of the module (derivations/doob/doob.h) over a range of
 * problems.  */
#include <config.h>

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "doob/doob.h"
#include "doob_bridge_sweeps.h"
#include "fc_compare.h"
#include "fc_rng.h"

/* The sweeps' sub-stream of opt->seed; each case takes its own stream of
   it (marginals 16 c + a, sigma 100 + k, orders 200 + k).  */
#define DB_TAG_SWEEP 0xDE000

/* Marginals (H1): dimensions 1, 3, 10; BM and OU with the rates scaled by
   0.3, 1 and 3.  One Bonferroni band over the whole sweep.  */
#define DB_SW_NDIM 3
static const size_t db_sw_dims[DB_SW_NDIM] = { 1, 3, 10 };
#define DB_SW_NCASE 4
static const double db_sw_scales[DB_SW_NCASE] = { 0.0, 0.3, 1.0, 3.0 };

/* sigma -> 0 (H2): thirteen sigmas 10^(-k/4), k = 0 .. 12.  */
#define DB_SW_NSIG 13

/* Orders (H3): step counts 4 .. 512 against 8192 fine steps (quick: 4 ..
   128 against 2048).  */
#define DB_SW_NH 8
static const size_t db_sw_steps[DB_SW_NH] = { 4, 8, 16, 32, 64, 128, 256, 512 };

typedef struct
{
  fc_doob_marginal_sizes marginals; /* steps: of the rates up to 1 */
  size_t sigma_n, sigma_steps;
  size_t orders_nh, orders_fine, orders_n;
} db_sweep_sizes;

static const db_sweep_sizes db_sweep_plan[FC_SIZE_COUNT] = {
  [FC_SIZE_FULL] = { { 20000, 2048, 500 }, 1000, 1024, DB_SW_NH, 8192, 2000 },
  [FC_SIZE_QUICK] = { { 2000, 512, 200 }, 200, 256, 6, 2048, 300 },
};

static unsigned long
db_sweep_seed (const fc_run_options *opt, unsigned long stream)
{
  return fc_rng_stream_seed (fc_module_seed (opt, DB_TAG_SWEEP), stream);
}

/* ----------------------------------------------------------- marginals */

/* The Bonferroni band of the whole marginal sweep: its z-scores and
   two-sample tests.  */
typedef struct
{
  size_t m_z, m_tests;
  double z_band, p_level;
} db_marginal_band;

static db_marginal_band
db_marginal_band_of_sweep (void)
{
  db_marginal_band b = { 0, DB_SW_NCASE * DB_SW_NDIM * FC_DOOB_NT, 0.0, 0.0 };
  for (size_t a = 0; a < DB_SW_NDIM; a++)
    b.m_z += DB_SW_NCASE * FC_DOOB_NT * 2 * db_sw_dims[a];
  b.z_band = fc_compare_z_band (FC_DOOB_MC_ALPHA, b.m_z);
  b.p_level = FC_DOOB_TS_ALPHA / (double) b.m_tests;
  return b;
}

/* The sizes of case C: the scheme's bias grows with the rates (about
   theta^2 h for the OU variance), so four times the steps for the largest
   rates keep it near the module's quarter standard error.  */
static fc_doob_marginal_sizes
db_marginal_sizes (const fc_run_options *opt, size_t c)
{
  fc_doob_marginal_sizes sz = FC_SIZES (db_sweep_plan, opt)->marginals;
  sz.steps *= db_sw_scales[c] > 1.0 ? 4 : 1;
  return sz;
}

/* Case C (BM, or OU with the rates scaled by db_sw_scales[c]) over the
   dimensions into R (DB_SW_NDIM), and its summary row.  */
static int
db_marginal_case (const fc_run_options *opt, size_t c, const db_marginal_band *b,
                  FILE *summary, fc_doob_marginals *r)
{
  fc_doob_marginal_sizes sz = db_marginal_sizes (opt, c);
  double zmax = 0.0, pmin = 1.0, bias = 0.0;
  for (size_t a = 0; a < DB_SW_NDIM; a++)
    {
      fc_module_progress (opt, "sweep marginals: %s theta x %g, D = %zu, %zu paths "
                          "x %zu steps", c ? "OU" : "BM", db_sw_scales[c],
                          db_sw_dims[a], sz.n, sz.steps);
      int status = fc_doob_marginal_study (c ? FC_BRIDGE_OU : FC_BRIDGE_BM,
                                           db_sw_dims[a], db_sw_scales[c], &sz,
                                           db_sweep_seed (opt, 16 * c + a), &r[a]);
      if (status)
        return status;
      zmax = GSL_MAX (zmax, GSL_MAX (r[a].z_mean_max, r[a].z_var_max));
      pmin = GSL_MIN (pmin, r[a].p_min);
      bias = GSL_MAX (bias, r[a].bias_z);
    }
  char label[32];
  snprintf (label, sizeof label, c ? "OU theta x %g" : "BM", db_sw_scales[c]);
  fprintf (summary, "%-10s %-22s max|z| %.2f (band %.2f)  min p %.3f (level "
           "%.4f)  bias %.2f se\n", "marginals", label, zmax, b->z_band, pmin,
           b->p_level, bias);
  return GSL_SUCCESS;
}

static void
db_marginal_rows (FILE *out, const fc_run_options *opt, const db_marginal_band *b,
                  fc_doob_marginals r[DB_SW_NCASE][DB_SW_NDIM])
{
  fprintf (out, "# H1 bridges (T = %g, sigma = %g) against the exact marginals; kind 0 "
           "BM, 1 OU; Bonferroni |z| band %.3f over %zu z-scores, two-sample level "
           "%.2g over %zu tests\n", FC_DOOB_T, FC_DOOB_SIGMA, b->z_band, b->m_z,
           b->p_level, b->m_tests);
  for (size_t c = 0; c < DB_SW_NCASE; c++)
    {
      fc_doob_marginal_sizes sz = db_marginal_sizes (opt, c);
      for (size_t a = 0; a < DB_SW_NDIM; a++)
        {
          fprintf (out, "%d %g %zu %zu %zu", c ? 1 : 0, db_sw_scales[c], db_sw_dims[a],
                   sz.n, sz.steps);
          for (size_t j = 0; j < FC_DOOB_NT; j++)
            fprintf (out, " %.6g %.6g %.6g", r[c][a].z_mean[j], r[c][a].z_var[j],
                     r[c][a].p[j]);
          fprintf (out, " %.6g %.6g %.6g\n", r[c][a].bias_z, r[c][a].end_err,
                   r[c][a].end_band);
        }
    }
}

int
db_sweep_marginals (const fc_run_options *opt, FILE *summary)
{
  db_marginal_band b = db_marginal_band_of_sweep ();
  fc_doob_marginals r[DB_SW_NCASE][DB_SW_NDIM];
  int status = GSL_SUCCESS;
  for (size_t c = 0; c < DB_SW_NCASE && status == GSL_SUCCESS; c++)
    status = db_marginal_case (opt, c, &b, summary, r[c]);
  if (status)
    return status;
  fc_datafile *f = fc_module_datafile (opt, "doob-sweep-marginals.dat",
                                       "kind theta_scale dim n steps z_mean_T/4 "
                                       "z_var_T/4 p_T/4 z_mean_T/2 z_var_T/2 p_T/2 "
                                       "z_mean_3T/4 z_var_3T/4 p_3T/4 bias_z "
                                       "endpoint_err endpoint_band");
  if (f != NULL)
    db_marginal_rows (fc_datafile_stream (f), opt, &b, r);
  return fc_module_commit (f, GSL_SUCCESS);
}

/* --------------------------------------------------------------- sigma */

static void
db_sigma_rows (FILE *out, size_t n, size_t steps, const double *sig,
               const fc_doob_sigma_limit *c)
{
  fprintf (out, "# H2: RMS over %zu paths (D = 3, T = %g, %zu steps) of sup_t |X^sigma - "
           "X^0| and of |X^sigma(T/2) - X^0(T/2)|, each sigma on its own Brownian "
           "paths; sd_half = sigma sqrt(tr Cov X(T/2)) of the exact bridge\n"
           "# fitted rates (Monte Carlo standard error): BM %.6f (%.2g), OU %.6f "
           "(%.2g); sup |X^0 - xbar| BM %.3g, OU %.3g\n",
           n, FC_DOOB_T, steps, c[0].rate, c[0].rate_se, c[1].rate, c[1].rate_se,
           c[0].det_err[2], c[1].det_err[2]);
  for (size_t k = 0; k < DB_SW_NSIG; k++)
    fprintf (out, "%.17g %.17g %.17g %.17g %.17g %.17g %.17g\n", sig[k], c[0].dev_sup[k],
             c[0].dev_half[k], c[1].dev_sup[k], c[1].dev_half[k], sig[k] * c[0].sd_half,
             sig[k] * c[1].sd_half);
}

int
db_sweep_sigma (const fc_run_options *opt, FILE *summary)
{
  const db_sweep_sizes *sz = FC_SIZES (db_sweep_plan, opt);
  double sig[DB_SW_NSIG];
  fc_doob_sigma_limit c[2];
  int status = GSL_SUCCESS;
  for (size_t k = 0; k < DB_SW_NSIG; k++)
    sig[k] = pow (10.0, -0.25 * (double) k);
  for (int k = 0; k < 2 && status == GSL_SUCCESS; k++)
    {
      fc_module_progress (opt, "sweep sigma: %s, %zu paths x %d sigmas, %zu steps",
                          k ? "OU" : "BM", sz->sigma_n, DB_SW_NSIG, sz->sigma_steps);
      status = fc_doob_sigma_study (k ? FC_BRIDGE_OU : FC_BRIDGE_BM, DB_SW_NSIG, sig,
                                    sz->sigma_n, sz->sigma_steps,
                                    db_sweep_seed (opt, 100 + k), &c[k]);
    }
  if (status)
    return status;
  fc_datafile *f = fc_module_datafile (opt, "doob-sweep-sigma.dat",
                                       "sigma dev_sup_bm dev_half_bm dev_sup_ou "
                                       "dev_half_ou sd_half_bm sd_half_ou");
  if (f != NULL)
    db_sigma_rows (fc_datafile_stream (f), sz->sigma_n, sz->sigma_steps, sig, c);
  status = fc_module_commit (f, GSL_SUCCESS);
  for (int k = 0; k < 2 && status == GSL_SUCCESS; k++)
    fprintf (summary, "%-10s %-22s rate %.6f +- %.1g  RMS|X(T/2) - X0|/sd %.3f  "
             "sup|X0 - xbar| %.2g\n", "sigma", k ? "OU" : "BM", c[k].rate,
             c[k].rate_se, c[k].dev_half[0] / c[k].sd_half, c[k].det_err[2]);
  return status;
}

/* -------------------------------------------------------------- orders */

static void
db_order_rows (FILE *out, size_t n, size_t fine, const fc_doob_order_table *tab)
{
  fprintf (out, "# H3 as doob-orders.dat (D = 2, T = %g, sigma = %g), %zu paths against "
           "%zu fine steps; weak_se: Monte Carlo standard error of the coupled weak error\n",
           FC_DOOB_T, FC_DOOB_SIGMA, n, fine);
  for (size_t k = 0; k < tab[0].n_h; k++)
    {
      fprintf (out, "%.17g %g", tab[0].h[k], tab[0].steps[k]);
      for (int j = 0; j < 2; j++)
        fprintf (out, " %.17g %.17g %.17g %.17g %.17g %.17g", tab[j].weak[k],
                 tab[j].weak_se[k], tab[j].strong[k], tab[j].endpoint[k],
                 tab[j].endpoint_det[k], tab[j].weak_exact[k]);
      fputc ('\n', out);
    }
}

int
db_sweep_orders (const fc_run_options *opt, FILE *summary)
{
  const db_sweep_sizes *sz = FC_SIZES (db_sweep_plan, opt);
  size_t nh = sz->orders_nh;
  fc_doob_order_table tab[2];
  fc_doob_orders o[2];
  int status = GSL_SUCCESS;
  for (int k = 0; k < 2 && status == GSL_SUCCESS; k++)
    {
      fc_module_progress (opt, "sweep orders: %s, %zu paths, steps 4 .. %zu against %zu",
                          k ? "OU" : "BM", sz->orders_n, db_sw_steps[nh - 1],
                          sz->orders_fine);
      status = fc_doob_order_study (k ? FC_BRIDGE_OU : FC_BRIDGE_BM, nh, db_sw_steps,
                                    sz->orders_fine, sz->orders_n,
                                    db_sweep_seed (opt, 200 + k), &tab[k], &o[k]);
    }
  if (status)
    return status;
  fc_datafile *f = fc_module_datafile (opt, "doob-sweep-orders.dat",
                                       "h steps weak_bm weak_se_bm strong_bm "
                                       "endpoint_bm endpoint_det_bm weak_exact_bm "
                                       "weak_ou weak_se_ou strong_ou endpoint_ou "
                                       "endpoint_det_ou weak_exact_ou");
  if (f != NULL)
    db_order_rows (fc_datafile_stream (f), sz->orders_n, sz->orders_fine, tab);
  status = fc_module_commit (f, GSL_SUCCESS);
  for (int k = 0; k < 2 && status == GSL_SUCCESS; k++)
    fprintf (summary, "%-10s %-22s weak %.3f (recursion %.3f)  strong %.3f  endpoint "
             "%.3f  det. last step %s %.3g\n", "orders", k ? "OU" : "BM", o[k].weak,
             o[k].wexact, o[k].strong, o[k].end, k ? "order" : "max err",
             k ? o[k].det : tab[k].endpoint_det[nh - 1]);
  return status;
}

int
db_sweep_gauss (const fc_run_options *opt, FILE *summary)
{
  int status = db_sweep_marginals (opt, summary);
  if (status == GSL_SUCCESS)
    status = db_sweep_sigma (opt, summary);
  if (status == GSL_SUCCESS)
    status = db_sweep_orders (opt, summary);
  return status;
}
