/* src/fc_rng.c -- seeded random streams tied to work chunks.
 *
 * A stream is named by the pair (seed, stream).  The pair is hashed with
 * the SplitMix64 finaliser (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014) into the seed of a
 * generator with the numbers of gsl_rng_mt19937 (fc_rng_mt19937, fc_rng_mt.c).
 * Chunk j of a batched computation always draws from
 * stream (seed, j), whichever thread runs it, so seeded results do not
 * depend on the thread count (ARCHITECTURE.md "Numerical habits").  */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_rng.h"

#define FC_SPLITMIX_GAMMA UINT64_C (0x9e3779b97f4a7c15)

/* The SplitMix64 output function: a bijection of 64-bit words with full
   avalanche, so neighbouring inputs give unrelated outputs.  */
static uint64_t
fc_rng_mix64 (uint64_t z)
{
  z = (z ^ (z >> 30)) * UINT64_C (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* gsl_rng_mt19937 reads only the low 32 bits of its seed and replaces a
   seed of 0 by 4357, so seeds 0 and 4357 would give the same stream.  The
   64-bit hash is therefore folded onto [1, 2^32 - 1]: never 0, hence no
   stream collides with stream 4357 through GSL's substitution.  */
unsigned long
fc_rng_stream_seed (unsigned long seed, unsigned long stream)
{
  const uint64_t m = UINT64_C (0xffffffff);
  uint64_t h = fc_rng_mix64 ((uint64_t) seed + FC_SPLITMIX_GAMMA);
  h = fc_rng_mix64 (h + ((uint64_t) stream + 1) * FC_SPLITMIX_GAMMA);
  return (unsigned long) (1 + h % m);
}

gsl_rng *
fc_rng_alloc (unsigned long seed, unsigned long stream)
{
  gsl_rng *r = gsl_rng_alloc (fc_rng_mt19937);
  if (r == NULL)
    GSL_ERROR_NULL ("cannot allocate random stream", GSL_ENOMEM);
  fc_rng_reseed (r, seed, stream);
  return r;
}

void
fc_rng_reseed (gsl_rng *r, unsigned long seed, unsigned long stream)
{
  gsl_rng_set (r, fc_rng_stream_seed (seed, stream));
}

/* One chunk of the fill: items [c * FC_RNG_CHUNK, end) from stream
   (SEED, STREAM_BASE + c).  */
static void
fc_rng_gaussian_chunk (gsl_rng *r, unsigned long seed,
                       unsigned long stream_base, size_t c, size_t n,
                       double *z)
{
  size_t i0 = c * FC_RNG_CHUNK;
  size_t i1 = i0 + FC_RNG_CHUNK < n ? i0 + FC_RNG_CHUNK : n;
  fc_rng_reseed (r, seed, stream_base + (unsigned long) c);
  fc_rng_gaussian_batch (r, i1 - i0, z + i0);
}

int
fc_rng_gaussian_fill (unsigned long seed, unsigned long stream_base,
                      size_t n, double *z)
{
  size_t n_chunks = (n + FC_RNG_CHUNK - 1) / FC_RNG_CHUNK;
  int failed = 0;

  /* One generator per thread, reseeded per chunk: no allocation per item
     and no dependence of the numbers on which thread runs a chunk.  */
#pragma omp parallel if (n_chunks > 1)
  {
    gsl_rng *r = gsl_rng_alloc (fc_rng_mt19937);
    if (r == NULL)
      {
#pragma omp atomic write
        failed = 1;
      }
#pragma omp for schedule(static)
    for (size_t c = 0; c < n_chunks; c++)
      if (r != NULL)
        fc_rng_gaussian_chunk (r, seed, stream_base, c, n, z);
    gsl_rng_free (r);
  }
  if (failed)
    GSL_ERROR ("cannot allocate random stream", GSL_ENOMEM);
  return GSL_SUCCESS;
}
