/* derivations/barycentric/simplex_support.c -- B11: the note's training
 * sampler alpha = (1 - (t_a + t_b)/2, t_a/2, t_b/2) with t_a, t_b ~ U[0, 1]
 * independent "has full support over the simplex" (N §What we need to do).
 *
 * A sampler here is a map f from the unit square of its two uniform
 * inputs to the simplex.  The note's is affine: alpha_1 = t_a / 2 and
 * alpha_2 = t_b / 2 never exceed 1/2, so its image is the square
 * [0, 1/2]^2 in (alpha_1, alpha_2), a quarter against the simplex's 1/2:
 * it covers half of the simplex, and the corners alpha_1 > 1/2 and
 * alpha_2 > 1/2 (the vertices e_1, e_2 and their neighbourhoods) are never
 * drawn.  The check measures, without using that, the covered share of
 * the simplex's area:
 *   - by Monte Carlo: points u uniform on the simplex (Dirichlet(1, 1, 1)
 *     draws), covered when the preimage f^-1(u) lies in the unit square
 *     (f is injective, its inverse is explicit), with its binomial
 *     standard error;
 *   - exactly: the area of the image by the area formula, int |det Df|
 *     over the square (Gauss-Legendre, exact for the constant Jacobians
 *     here), over the simplex's area 1/2;
 * and the largest alpha_1, alpha_2 over draws of the sampler, which full
 * support must take above 1/2 (the uniform law on the simplex puts
 * probability 1/2 there: n draws all stay below with probability 2^-n).
 * The three are HOLDS figures: as stated they fail (REFUTED).
 * Control BC_B11_FULL_SUPPORT: the uniform law on the simplex,
 * Dirichlet(1, 1, 1), by the square-root map f(r_1, r_2) = (sqrt(r_1)
 * r_2, 1 - sqrt(r_1), sqrt(r_1) (1 - r_2)), a sampler with full support
 * judged by the same figures: CONFIRMED.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "barycentric_internal.h"
#include "fc_rng.h"

/* The simplex's area in the coordinates (alpha_1, alpha_2).  */
#define BC_B11_AREA 0.5

/* Gauss-Legendre nodes per input of the area formula.  */
#define BC_B11_NODES 8

/* The area formula sums BC_B11_NODES^2 products: its round-off is a few
   eps per term relative to the area.  */
#define BC_B11_AREA_TOL (4.0 * BC_B11_NODES * BC_B11_NODES * GSL_DBL_EPSILON)

/* A sampler: its map from the inputs (r_1, r_2) in the unit square to
   alpha, the inverse of the map (the inputs of a point alpha of the
   plane), and |det Df| at (r_1, r_2).  */
typedef struct
{
  void (*map) (const double *r, double *alpha);
  void (*inverse) (const double *alpha, double *r);
  double (*jacobian) (const double *r);
} bc_b11_sampler;

/* The note's sampler: (t_a, t_b) -> (1 - (t_a + t_b)/2, t_a/2, t_b/2).  */
static void
bc_b11_note_map (const double *r, double *alpha)
{
  alpha[1] = 0.5 * r[0], alpha[2] = 0.5 * r[1];
  alpha[0] = 1.0 - alpha[1] - alpha[2];
}

static void
bc_b11_note_inverse (const double *alpha, double *r)
{
  r[0] = 2.0 * alpha[1], r[1] = 2.0 * alpha[2];
}

static double
bc_b11_note_jacobian (const double *r)
{
  (void) r;
  return 0.25; /* diag(1/2, 1/2) */
}

/* The uniform law on the simplex by the square-root map.  */
static void
bc_b11_uniform_map (const double *r, double *alpha)
{
  double s = sqrt (r[0]);
  alpha[1] = 1.0 - s, alpha[2] = s * (1.0 - r[1]), alpha[0] = s * r[1];
}

static void
bc_b11_uniform_inverse (const double *alpha, double *r)
{
  double s = 1.0 - alpha[1];
  r[0] = s * s;
  r[1] = s > 0.0 ? alpha[0] / s : 0.0;
}

static double
bc_b11_uniform_jacobian (const double *r)
{
  /* d(alpha_1, alpha_2)/d(r_1, r_2) = [[-1/(2s), 0], [(1-r_2)/(2s), -s]]
     with s = sqrt(r_1): |det| = 1/2.  */
  double s = sqrt (r[0]);
  return fabs ((-0.5 / s) * (-s));
}

static const bc_b11_sampler bc_b11_note
    = { bc_b11_note_map, bc_b11_note_inverse, bc_b11_note_jacobian };
static const bc_b11_sampler bc_b11_uniform
    = { bc_b11_uniform_map, bc_b11_uniform_inverse, bc_b11_uniform_jacobian };

/* The exact covered share: int |det Df| over the unit square by the
   tensor Gauss-Legendre rule, over the simplex's area.  */
static int
bc_b11_exact_share (const bc_b11_sampler *f, double *share)
{
  gsl_integration_glfixed_table *t
      = gsl_integration_glfixed_table_alloc (BC_B11_NODES);
  if (t == NULL)
    GSL_ERROR ("no memory for the Gauss-Legendre table", GSL_ENOMEM);
  double area = 0.0;
  for (size_t i = 0; i < BC_B11_NODES; i++)
    for (size_t j = 0; j < BC_B11_NODES; j++)
      {
        double r[2], wi, wj;
        gsl_integration_glfixed_point (0.0, 1.0, i, &r[0], &wi, t);
        gsl_integration_glfixed_point (0.0, 1.0, j, &r[1], &wj, t);
        area += wi * wj * f->jacobian (r);
      }
  gsl_integration_glfixed_table_free (t);
  *share = area / BC_B11_AREA;
  return GSL_SUCCESS;
}

/* The Monte Carlo covered share: N points uniform on the simplex, covered
   when their preimage lies in the unit square.  */
static int
bc_b11_mc_share (const bc_b11_sampler *f, size_t n, unsigned long seed,
                 double *share, double *se)
{
  const double ones[BC_NM] = { 1.0, 1.0, 1.0 };
  gsl_rng *g = fc_rng_alloc (seed, 0);
  if (g == NULL)
    GSL_ERROR ("no memory for a generator", GSL_ENOMEM);
  size_t covered = 0;
  for (size_t i = 0; i < n; i++)
    {
      double u[BC_NM], r[2];
      gsl_ran_dirichlet (g, BC_NM, ones, u);
      f->inverse (u, r);
      covered += r[0] >= 0.0 && r[0] <= 1.0 && r[1] >= 0.0 && r[1] <= 1.0;
    }
  gsl_rng_free (g);
  *share = (double) covered / (double) n;
  *se = sqrt (*share * (1.0 - *share) / (double) n);
  return GSL_SUCCESS;
}

/* The largest alpha_1, alpha_2 over N draws of the sampler.  */
static double
bc_b11_max_corner (const bc_b11_sampler *f, size_t n, unsigned long seed)
{
  gsl_rng *g = fc_rng_alloc (seed, 1);
  double top = GSL_NAN;
  for (size_t i = 0; g != NULL && i < n; i++)
    {
      double r[2] = { gsl_rng_uniform (g), gsl_rng_uniform (g) }, alpha[BC_NM];
      f->map (r, alpha);
      top = i == 0 ? GSL_MAX (alpha[1], alpha[2])
                   : GSL_MAX (top, GSL_MAX (alpha[1], alpha[2]));
    }
  if (g != NULL)
    gsl_rng_free (g);
  return top;
}

int
bc_check_b11 (const fc_run_options *opt, fc_verdict *v)
{
  int variant = fc_control_variant (opt);
  const bc_b11_sampler *f
      = variant == BC_B11_FULL_SUPPORT ? &bc_b11_uniform : &bc_b11_note;
  size_t n = FC_SIZES (bc_sizes_plan, opt)->b11_draws;
  unsigned long seed = fc_module_seed (opt, BC_TAG_B11);
  double exact, mc, se;
  int status = bc_b11_exact_share (f, &exact);
  if (status == GSL_SUCCESS)
    status = bc_b11_mc_share (f, n, seed, &mc, &se);
  double top = bc_b11_max_corner (f, n, seed);
  if (status == GSL_SUCCESS && !isfinite (top))
    status = GSL_ENOMEM;
  if (status)
    return status;
  /* Full support: nothing of the simplex uncovered (Monte Carlo: within
     Z_MAX standard errors of its estimate; exactly: to the round-off of
     the area formula), and draws beyond 1/2 in alpha_1 or alpha_2.  */
  fc_verdict_decide (v, FC_TEST_HOLDS, "uncovered_share_mc", 1.0 - mc,
                     BC_Z_MAX * se, 1.0 - mc <= BC_Z_MAX * se);
  fc_verdict_decide (v, FC_TEST_HOLDS, "uncovered_share_exact", 1.0 - exact,
                     BC_B11_AREA_TOL, 1.0 - exact <= BC_B11_AREA_TOL);
  fc_verdict_decide (v, FC_TEST_HOLDS, "max_alpha12_draws", top, 0.5,
                     top > 0.5);
  fc_verdict_report (v, "covered_share_mc_se", se, NAN);
  fc_verdict_report (v, "z_mc_vs_exact", se > 0.0 ? fabs (mc - exact) / se
                                                 : fabs (mc - exact), NAN);
  fc_verdict_note (v, "%s: covers %.4f +- %.4f of the simplex (Monte Carlo, "
                   "n = %zu), %.4f exactly; max alpha_1, alpha_2 over %zu "
                   "draws %.4f (full support needs > 1/2)",
                   f == &bc_b11_note ? "(1 - (t_a + t_b)/2, t_a/2, t_b/2)"
                                     : "Dirichlet(1, 1, 1)",
                   mc, se, n, exact, n, top);
  return GSL_SUCCESS;
}
