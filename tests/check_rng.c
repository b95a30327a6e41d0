/* tests/check_rng.c -- seeded random streams (fc_rng.h): reproducible,
 * distinct per stream, independent of the thread count, and standard
 * normal within Monte Carlo error.  */
#include <config.h>

#include <stdint.h>
#include <string.h>
#include <gsl/gsl_randist.h>
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

/* ------------------------------------- the generator and batched normals */

/* fc_rng_mt19937 gives gsl_rng_mt19937's words and uniforms for seeds
   that exercise GSL's substitution (0 -> 4357), the 32-bit mask (2^32
   aliases 0 in the low word but is not substituted) and ordinary seeds,
   across several twists of the state (624 words each).  */
FC_TEST ("batch", test_generator_matches_gsl_mt19937)
{
  const unsigned long seeds[] = { 0UL, 1UL, 4357UL, 4294967295UL,
                                  4294967296UL, 20240501UL };
  gsl_rng *a = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng *b = gsl_rng_alloc (fc_rng_mt19937);
  for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
    {
      gsl_rng_set (a, seeds[s]);
      gsl_rng_set (b, seeds[s]);
      for (int i = 0; i < 3000; i++)
        ck_assert_uint_eq (gsl_rng_get (a), gsl_rng_get (b));
      for (int i = 0; i < 700; i++)
        ck_assert (gsl_rng_uniform (a) == gsl_rng_uniform (b));
    }
  ck_assert_uint_eq (gsl_rng_max (b), gsl_rng_max (a));
  ck_assert_uint_eq (gsl_rng_min (b), gsl_rng_min (a));
  gsl_rng_free (a);
  gsl_rng_free (b);
}
END_TEST

/* On this GSL the probe of the ziggurat's tables agrees with GSL's draws,
   so the batch takes its fast path (if a GSL release changed its
   ziggurat, this test names the loss of speed; the numbers stay right).  */
FC_TEST ("batch", test_gaussian_batch_takes_its_fast_path)
{
  ck_assert_int_eq (fc_rng_gaussian_batch_is_fast (), 1);
}
END_TEST

/* Batches of every length from 0 to 1300 in a row (ending inside blocks,
   across twists, after slow draws) equal gsl_ran_gaussian_ziggurat's
   draws bit for bit and leave the generator where GSL's leaves it; so
   does the fallback for a generator of another type.  The 65650 draws
   of a call take the slow branches (2.8% of draws) about 1800 times.  */
static void
assert_batches_match_gsl (const gsl_rng_type *type, unsigned long seed)
{
  gsl_rng *a = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng *b = gsl_rng_alloc (type);
  double z[1301];
  gsl_rng_set (a, seed);
  gsl_rng_set (b, seed);
  for (size_t n = 0; n <= 1300; n += 13)
    {
      fc_rng_gaussian_batch (b, n, z);
      for (size_t i = 0; i < n; i++)
        {
          double x = gsl_ran_gaussian_ziggurat (a, 1.0);
          ck_assert_msg (memcmp (&x, z + i, sizeof x) == 0,
                         "draw %zu of a batch of %zu: %.17g, GSL %.17g",
                         i, n, z[i], x);
        }
    }
  ck_assert_uint_eq (gsl_rng_get (a), gsl_rng_get (b));
  gsl_rng_free (a);
  gsl_rng_free (b);
}

FC_TEST ("batch", test_gaussian_batch_matches_gsl_draw_by_draw)
{
  assert_batches_match_gsl (fc_rng_mt19937, 20240611UL);
  assert_batches_match_gsl (fc_rng_mt19937, 0UL);
  assert_batches_match_gsl (gsl_rng_mt19937, 7UL);
}
END_TEST

FC_CK_MAIN ("rng")
