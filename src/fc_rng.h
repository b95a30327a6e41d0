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

/* A generator of type fc_rng_mt19937 (the numbers of gsl_rng_mt19937)
   seeded for stream (SEED, STREAM).  NULL on failure.  */
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

/* MT19937 with the output of gsl_rng_mt19937 for every seed (same words,
   same uniforms), its state open to fc_rng_gaussian_batch.  fc_rng_alloc
   returns generators of this type.  */
extern const gsl_rng_type *fc_rng_mt19937;

/* Z (n) = n standard normals from R: the numbers of n calls of
   gsl_ran_gaussian_ziggurat (R, 1.0), to the bit, and R left in the same
   state.  When R is of type fc_rng_mt19937 the draws come in one loop
   over blocks of words (several times faster); any other generator is
   served by GSL draw by draw.  */
void
fc_rng_gaussian_batch (gsl_rng *r, size_t n, double *z);

/* 1 if fc_rng_gaussian_batch takes its fast path (the ziggurat's tables
   read from GSL agreed with GSL's draws on its start-up self-check), 0 if
   it serves every draw through GSL.  */
int
fc_rng_gaussian_batch_is_fast (void);

#ifdef __cplusplus
}
#endif
#endif /* FC_RNG_H */
