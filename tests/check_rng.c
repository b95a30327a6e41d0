/* tests/check_rng.c -- seeded random streams (fc_rng.h): reproducible,
 * distinct per stream, independent of the thread count, and standard
 * normal within Monte Carlo error.  */
#include <config.h>

#include <stdint.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "unit_fixtures.h"
#include "fc_rng.h"

FC_TEST ("streams", test_same_seed_and_stream_give_same_sequence)
{
  gsl_rng *a = fc_rng_alloc (20240611UL, 7), *b = fc_rng_alloc (20240611UL, 7);
  ck_assert_ptr_nonnull (a);
  ck_assert_ptr_nonnull (b);
  for (int i = 0; i < 1000; i++)
    ck_assert_uint_eq (gsl_rng_get (a), gsl_rng_get (b));
  gsl_rng_free (a);
  gsl_rng_free (b);
}
END_TEST

FC_TEST ("streams", test_reseed_restarts_the_stream)
{
  gsl_rng *a = fc_rng_alloc (381966UL, 3), *b = fc_rng_alloc (1UL, 1);
  unsigned long first[16];
  for (int i = 0; i < 16; i++)
    first[i] = gsl_rng_get (a);
  fc_rng_reseed (b, 381966UL, 3);
  for (int i = 0; i < 16; i++)
    ck_assert_uint_eq (gsl_rng_get (b), first[i]);
  gsl_rng_free (a);
  gsl_rng_free (b);
}
END_TEST

/* Neighbouring streams, neighbouring seeds, and the pairs (s, t) and
   (t, s) must all start differently.  */
FC_TEST ("streams", test_distinct_streams_and_seeds_differ)
{
  enum { N = 64 };
  unsigned long first[2 * N + 1];
  for (unsigned long s = 0; s < N; s++)
    {
      gsl_rng *r = fc_rng_alloc (12345UL, s);
      first[s] = gsl_rng_get (r);
      fc_rng_reseed (r, s, 12345UL);
      first[N + s] = gsl_rng_get (r);
      gsl_rng_free (r);
    }
  gsl_rng *r = fc_rng_alloc (12346UL, 0);
  first[2 * N] = gsl_rng_get (r);
  gsl_rng_free (r);
  for (int i = 0; i < 2 * N + 1; i++)
    for (int j = 0; j < i; j++)
      ck_assert_msg (first[i] != first[j], "draws %d and %d coincide", i, j);
}
END_TEST

/* mt19937 reads 32 bits and maps seed 0 to 4357: stream seeds must lie in
   [1, 2^32 - 1] so that no stream aliases another through that rule.  */
FC_TEST ("streams", test_stream_seed_is_never_zero_and_fits_32_bits)
{
  for (unsigned long s = 0; s < 4096; s++)
    {
      unsigned long v = fc_rng_stream_seed (s / 64, s % 64);
      ck_assert_uint_ne (v, 0);
      ck_assert_uint_le (v, 0xffffffffUL);
    }
}
END_TEST

/* Reproducibility contract: chunk c of a fill is stream (seed, base + c),
   whatever the thread count.  */
FC_TEST ("streams", test_gaussian_fill_is_independent_of_thread_count)
{
  size_t n = 10 * FC_RNG_CHUNK + 17;
  double *z1 = malloc (n * sizeof (double)), *z2 = malloc (n * sizeof (double));
  double *c3 = malloc (FC_RNG_CHUNK * sizeof (double));
  int saved = set_threads (1);
  ck_assert_int_eq (fc_rng_gaussian_fill (99UL, 5, n, z1), GSL_SUCCESS);
  set_threads (2);
  ck_assert_int_eq (fc_rng_gaussian_fill (99UL, 5, n, z2), GSL_SUCCESS);
  set_threads (saved);
  ck_assert_int_eq (memcmp (z1, z2, n * sizeof (double)), 0);
  ck_assert_int_eq (fc_rng_gaussian_fill (99UL, 5 + 3, FC_RNG_CHUNK, c3),
                    GSL_SUCCESS);
  ck_assert_int_eq (memcmp (z1 + 3 * FC_RNG_CHUNK, c3,
                            FC_RNG_CHUNK * sizeof (double)), 0);
  ck_assert_int_eq (fc_rng_gaussian_fill (99UL, 5, 0, NULL), GSL_SUCCESS);
  free (z1);
  free (z2);
  free (c3);
}
END_TEST

/* Mean and variance of n standard normals: standard errors 1/sqrt(n) and
   sqrt(2/n) (the variance of a normal sample variance is 2 sigma^4 / n),
   each within Z_MAX of them.  */
FC_TEST ("streams", test_gaussian_fill_mean_and_variance_within_z_max)
{
  size_t n = fc_under_valgrind () ? 10000 : 100000;
  double *z = malloc (n * sizeof (double));
  ck_assert_int_eq (fc_rng_gaussian_fill (2718281UL, 0, n, z), GSL_SUCCESS);
  double m = gsl_stats_mean (z, 1, n);
  double v = gsl_stats_variance_with_fixed_mean (z, 1, n, 0.0);
  fc_ck_assert_abs (m, 0.0, Z_MAX / sqrt ((double) n), "mean of %zu draws", n);
  fc_ck_assert_abs (v, 1.0, Z_MAX * sqrt (2.0 / (double) n),
                    "variance of %zu draws", n);
  free (z);
}
END_TEST

FC_CK_MAIN ("rng")
