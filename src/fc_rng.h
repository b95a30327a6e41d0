/* src/fc_rng.h -- seeded random streams tied to work chunks.
 *
 * Reproducibility rule of flowcheck: the same seed gives the same numbers
 * whatever the thread count.  Randomness is therefore never drawn from a
 * per-thread generator; work is cut into chunks of FC_RNG_CHUNK items and
 * chunk j draws from stream (seed, j), a Mersenne twister whose seed is a
 * SplitMix64 hash of the pair.  Any thread may run any chunk.  */
#ifndef FC_RNG_H
#define FC_RNG_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Items (points, particles) per random stream.  Changing it changes every
   seeded result, so it is part of the reproducibility contract.  */
#define FC_RNG_CHUNK 256

/* The seed of stream STREAM under the user seed SEED (SplitMix64 of the
   pair; distinct pairs give decorrelated streams).  The 64-bit hash is
   folded onto [1, 2^32 - 1]: mt19937 reads 32 bits of its seed and maps 0
   to 4357, so a seed of 0 would alias stream seed 4357.  */
unsigned long
fc_rng_stream_seed (unsigned long seed, unsigned long stream);

/* A gsl_rng_mt19937 seeded for stream (SEED, STREAM).  NULL on failure.  */
gsl_rng *
fc_rng_alloc (unsigned long seed, unsigned long stream);

/* Reseed R in place for stream (SEED, STREAM); no allocation.  */
void
fc_rng_reseed (gsl_rng *r, unsigned long seed, unsigned long stream);

/* Fill Z (n) with standard normal draws, chunk c drawing from stream
   (SEED, STREAM_BASE + c); OpenMP over chunks.  */
int
fc_rng_gaussian_fill (unsigned long seed, unsigned long stream_base,
                      size_t n, double *z);

#ifdef __cplusplus
}
#endif
#endif /* FC_RNG_H */
