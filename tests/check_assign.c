/* tests/check_assign.c -- the exact assignment solver (fc_assign.h):
 *   - against brute force over all n! permutations, n = 1 .. 8, random
 *     real costs and integer costs with many ties (exact integer sums);
 *   - optimality for larger n by the dual certificate the solver returns:
 *     u_i + v_j <= C[i, j], equality on the assignment, and primal cost =
 *     dual cost (weak duality then says no permutation costs less);
 *   - closed forms: in 1-D the squared cost is matched monotonically
 *     (sorted order), and Y = X + a is matched by the identity with
 *     W2^2 = |a|^2 (sum <x_i, x_sigma(i)> <= sum |x_i|^2);
 *   - n = 1000 points in the plane timed (printed, not asserted);
 *   - error paths.
 *
 * Round-off band of the certificate: the potentials are sums of at most
 * n price raises, each a difference of costs bounded by CMAX = max |C|, so
 * they carry an error of at most about n eps CMAX; TOL_DUAL (n) =
 * TOL_EPS (4 n) CMAX (4: a raise is a sum of four terms).  Totals of real
 * costs are compared within TOL_EPS (n) times the sum of |C| on the
 * permutation (a sum of n terms in a different order).  */
#include <config.h>

#include <time.h>

#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "fc_assign.h"
#include "fc_check.h"
#include "fc_rng.h"

#define SEED 20240501UL
#define TOL_DUAL(n, cmax) (TOL_EPS (4.0 * (n)) * (cmax))

/* The least sum_i C[i, p(i)] over all permutations p of n <= 8 (Heap's
   algorithm over P), and that sum for each.  */
static double
perm_cost (size_t n, const double *c, const size_t *p)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += c[i * n + p[i]];
  return s;
}

static double
brute_force (size_t n, const double *c)
{
  size_t p[8], k[8] = { 0 };
  for (size_t i = 0; i < n; i++)
    p[i] = i;
  double best = perm_cost (n, c, p);
  size_t i = 1;
  while (i < n)
    {
      if (k[i] < i)
        {
          size_t a = (i % 2 == 0) ? 0 : k[i], t = p[a];
          p[a] = p[i];
          p[i] = t;
          double s = perm_cost (n, c, p);
          if (s < best)
            best = s;
          k[i]++;
          i = 1;
        }
      else
        k[i++] = 0;
    }
  return best;
}

static void
assert_permutation (size_t n, const size_t *perm)
{
  char *seen = calloc (n, 1);
  ck_assert_ptr_nonnull (seen);
  for (size_t i = 0; i < n; i++)
    {
      ck_assert_uint_lt (perm[i], n);
      ck_assert_msg (!seen[perm[i]], "column %zu assigned twice", perm[i]);
      seen[perm[i]] = 1;
    }
  free (seen);
}

/* C (n, n) uniform on [0, 1), or integers 0 .. LEVELS - 1 when LEVELS > 0,
   from stream (SEED, STREAM).  */
static void
random_costs (size_t n, int levels, unsigned long stream, double *c)
{
  gsl_rng *r = fc_rng_alloc (SEED, stream);
  for (size_t k = 0; k < n * n; k++)
    c[k] = levels > 0 ? (double) gsl_rng_uniform_int (r, levels)
                      : gsl_rng_uniform (r);
  gsl_rng_free (r);
}

/* The dual certificate of fc_assign.h for C (n, n) and the solver's
   answer, within TOL_DUAL.  */
static void
assert_certificate (size_t n, const double *c, const size_t *perm,
                    double total, const double *u, const double *v)
{
  double cmax = 0.0, dual = 0.0;
  for (size_t k = 0; k < n * n; k++)
    cmax = fmax (cmax, fabs (c[k]));
  double tol = TOL_DUAL (n, cmax);
  for (size_t i = 0; i < n; i++)
    {
      dual += u[i] + v[i];
      fc_ck_assert_abs (u[i] + v[perm[i]], c[i * n + perm[i]], tol,
                        "complementary slackness, row %zu", i);
      for (size_t j = 0; j < n; j++)
        ck_assert_msg (u[i] + v[j] <= c[i * n + j] + tol,
                       "dual infeasible at (%zu, %zu): %.17g > %.17g", i, j,
                       u[i] + v[j], c[i * n + j]);
    }
  fc_ck_assert_abs (dual, total, n * tol, "dual = primal");
}

FC_LOOP_TEST ("brute force", test_small_real_costs_match_brute_force, 8)
{
  size_t n = (size_t) _i + 1;
  double c[64], u[8], v[8];
  size_t perm[8];
  for (unsigned long rep = 0; rep < 20; rep++)
    {
      random_costs (n, 0, 100 * n + rep, c);
      double total;
      ck_assert_int_eq (fc_assign_solve (n, c, perm, &total, u, v),
                        GSL_SUCCESS);
      assert_permutation (n, perm);
      fc_ck_assert_abs (total, perm_cost (n, c, perm), 0.0, "total");
      fc_ck_assert_abs (total, brute_force (n, c), TOL_EPS (n) * n,
                        "n = %zu, instance %lu", n, rep);
      assert_certificate (n, c, perm, total, u, v);
    }
}
END_TEST

FC_LOOP_TEST ("brute force", test_small_tied_integer_costs_match_exactly, 8)
{
  size_t n = (size_t) _i + 1;
  double c[64], u[8], v[8];
  size_t perm[8];
  for (unsigned long rep = 0; rep < 20; rep++)
    {
      random_costs (n, 3, 1000 + 100 * n + rep, c);
      double total;
      ck_assert_int_eq (fc_assign_solve (n, c, perm, &total, u, v),
                        GSL_SUCCESS);
      assert_permutation (n, perm);
      ck_assert_double_eq (total, brute_force (n, c));
      assert_certificate (n, c, perm, total, u, v);
    }
}
END_TEST

FC_TEST ("certificate", test_large_instances_carry_a_dual_certificate)
{
  const size_t sizes[] = { 50, 200 };
  for (size_t s = 0; s < 2; s++)
    for (int levels = 0; levels <= 10; levels += 10)
      {
        size_t n = sizes[s];
        double *c = malloc (n * n * sizeof (double));
        double *u = malloc (n * sizeof (double));
        double *v = malloc (n * sizeof (double));
        size_t *perm = malloc (n * sizeof (size_t));
        random_costs (n, levels, 5000 + n + levels, c);
        double total;
        ck_assert_int_eq (fc_assign_solve (n, c, perm, &total, u, v),
                          GSL_SUCCESS);
        assert_permutation (n, perm);
        assert_certificate (n, c, perm, total, u, v);
        free (c);
        free (u);
        free (v);
        free (perm);
      }
}
END_TEST

/* The auction's warm start (fc_assign_auction.c, n >= 16) on what it
   was written for and on its edge cases: clustered point sets (N(0, I)
   against 8 tight clusters at radius 5, the otcfm batch), a constant
   matrix (no price can move), and costs 1e12 + O(1) (a price step must
   stay above the spacing of the doubles there).  Each carries the dual
   certificate.  */
static void
solve_and_certify (size_t n, const double *c)
{
  double *u = malloc (n * sizeof (double)), *v = malloc (n * sizeof (double));
  size_t *perm = malloc (n * sizeof (size_t));
  double total;
  ck_assert_int_eq (fc_assign_solve (n, c, perm, &total, u, v), GSL_SUCCESS);
  assert_permutation (n, perm);
  assert_certificate (n, c, perm, total, u, v);
  free (u);
  free (v);
  free (perm);
}

FC_TEST ("certificate", test_warm_start_edge_cases_carry_a_certificate)
{
  const size_t n = 256;
  double *x = malloc (2 * n * sizeof (double)), *y = malloc (2 * n * sizeof (double));
  double *c = malloc (n * n * sizeof (double));
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, 9000, 2 * n, x), GSL_SUCCESS);
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, 9001, 2 * n, y), GSL_SUCCESS);
  for (size_t j = 0; j < n; j++)
    {
      double a = 2.0 * M_PI * (double) (j % 8) / 8.0;
      y[2 * j] = 5.0 * cos (a) + 0.1 * y[2 * j];
      y[2 * j + 1] = 5.0 * sin (a) + 0.1 * y[2 * j + 1];
    }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      c[i * n + j] = gsl_pow_2 (x[2 * i] - y[2 * j])
                     + gsl_pow_2 (x[2 * i + 1] - y[2 * j + 1]);
  solve_and_certify (n, c);
  for (size_t k = 0; k < n * n; k++)
    c[k] = 3.0;
  solve_and_certify (n, c);
  random_costs (n, 0, 9100, c);
  for (size_t k = 0; k < n * n; k++)
    c[k] += 1e12;
  solve_and_certify (n, c);
  free (x);
  free (y);
  free (c);
}
END_TEST

FC_TEST ("closed form", test_one_dimension_matches_sorted_order)
{
  const size_t n = 400;
  double *x = malloc (n * sizeof (double)), *y = malloc (n * sizeof (double));
  size_t *perm = malloc (n * sizeof (size_t));
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, 7000, n, x), GSL_SUCCESS);
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, 8000, n, y), GSL_SUCCESS);
  double total, w2sq;
  ck_assert_int_eq (fc_assign_sqeuclid (n, 1, x, y, perm, &total),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_assign_w2sq (n, 1, x, y, &w2sq), GSL_SUCCESS);
  gsl_sort (x, 1, n);
  gsl_sort (y, 1, n);
  double sorted = 0.0, scale = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      sorted += (x[i] - y[i]) * (x[i] - y[i]);
      scale += x[i] * x[i] + y[i] * y[i];
    }
  fc_ck_assert_abs (total, sorted, TOL_EPS (n) * scale, "monotone matching");
  fc_ck_assert_abs (w2sq, sorted / n, TOL_EPS (n) * scale / n, "W2^2");
  free (x);
  free (y);
  free (perm);
}
END_TEST

FC_TEST ("closed form", test_translated_sample_matches_identity)
{
  const size_t n = 300, d = 3;
  const double a[3] = { 0.3, -0.2, 0.1 };
  double *x = malloc (n * d * sizeof (double));
  double *y = malloc (n * d * sizeof (double));
  size_t *perm = malloc (n * sizeof (size_t));
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, 9000, n * d, x), GSL_SUCCESS);
  for (size_t k = 0; k < n * d; k++)
    y[k] = x[k] + a[k % d];
  double total, w2sq;
  ck_assert_int_eq (fc_assign_sqeuclid (n, d, x, y, perm, &total),
                    GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    ck_assert_uint_eq (perm[i], i);
  double a2 = a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
  ck_assert_int_eq (fc_assign_w2sq (n, d, x, y, &w2sq), GSL_SUCCESS);
  fc_ck_assert_abs (w2sq, a2, TOL_EPS (8 * n * d), "W2^2 of a translation");
  free (x);
  free (y);
  free (perm);
}
END_TEST

FC_TEST ("speed", test_thousand_points_in_the_plane)
{
  const size_t n = fc_under_valgrind () ? 200 : 1000, d = 2;
  double *x = malloc (n * d * sizeof (double));
  double *y = malloc (n * d * sizeof (double));
  size_t *perm = malloc (n * sizeof (size_t));
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, 11000, n * d, x), GSL_SUCCESS);
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, 12000, n * d, y), GSL_SUCCESS);
  clock_t t0 = clock ();
  double total;
  ck_assert_int_eq (fc_assign_sqeuclid (n, d, x, y, perm, &total),
                    GSL_SUCCESS);
  double cpu = (double) (clock () - t0) / CLOCKS_PER_SEC;
  assert_permutation (n, perm);
  fprintf (stderr, "# check_assign: n = %zu, d = 2: %.3f s CPU, W2^2 = %.6g\n",
           n, cpu, total / n);
  free (x);
  free (y);
  free (perm);
}
END_TEST

FC_TEST ("errors", test_bad_input_is_refused)
{
  double c[4] = { 1.0, NAN, 0.0, 2.0 }, total = -1.0, w;
  size_t perm[2];
  ck_assert_int_eq (fc_assign_solve (2, c, perm, &total, NULL, NULL),
                    GSL_EDOM);
  ck_assert_int_eq (fc_assign_solve (2, NULL, perm, &total, NULL, NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_assign_solve (2, c, NULL, &total, NULL, NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_assign_solve (0, NULL, NULL, &total, NULL, NULL),
                    GSL_SUCCESS);
  ck_assert_double_eq (total, 0.0);
  ck_assert_int_eq (fc_assign_w2sq (0, 2, c, c, &w), GSL_EINVAL);
  ck_assert_int_eq (fc_assign_sqeuclid (2, 0, c, c, perm, &total),
                    GSL_EINVAL);
}
END_TEST

FC_CK_MAIN ("assign")
