/* src/fc_rng_mt.c -- the Mersenne twister of the random streams, and
 * standard normals drawn in batches from it.
 *
 * Why by hand: GSL reaches its generators through a function pointer per
 * word and draws one normal per call, and the Gaussian draws of the
 * stochastic claims (H1-H3, the mixture samplers) spent half their CPU in
 * that call chain.  Here the generator's state is ours, so a batch draws
 * many normals in one loop over a block of tempered words.  The numbers
 * are GSL's to the bit:
 *   - fc_rng_mt19937 is MT19937 as gsl_rng_mt19937 computes it (the
 *     reference algorithm of Matsumoto and Nishimura, ACM TOMACS 8, 1998,
 *     with Knuth's seeding and GSL's substitution of 4357 for the seed 0);
 *   - fc_rng_gaussian_batch returns what as many calls of
 *     gsl_ran_gaussian_ziggurat (r, 1.0) return.  The ziggurat's fast path
 *     needs the step widths and acceptance bounds of GSL's tables; rather
 *     than copy them, they are read once from GSL itself by feeding
 *     gsl_ran_gaussian_ziggurat scripted words (fc_zig_probe).  A draw
 *     off the fast path (2.8% of draws, measured over 10^7) is handed
 *     back to GSL with its word unread, so the rare branches are GSL's
 *     own code.  A self-check
 *     against GSL on real streams guards the probe: if it ever disagrees
 *     (another GSL version, another algorithm), every draw goes through
 *     GSL and only the speed is lost.  */
#include <config.h>

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_rng.h"

#define MT_N 624
#define MT_M 397
#define MT_UPPER UINT32_C (0x80000000)
#define MT_LOWER UINT32_C (0x7fffffff)
#define MT_MATRIX_A UINT32_C (0x9908b0df)

typedef struct
{
  uint32_t mt[MT_N];
  size_t mti;         /* next word to temper; MT_N: twist first */
  unsigned long era;  /* twists so far: tells a batch its block is stale */
} fc_mt_state;

static inline uint32_t
fc_mt_mix (uint32_t a, uint32_t b, uint32_t c)
{
  uint32_t y = (a & MT_UPPER) | (b & MT_LOWER);
  return c ^ (y >> 1) ^ ((0u - (y & 1u)) & MT_MATRIX_A);
}

/* The next MT_N words of state (the three loops of the reference code,
   split where the index wraps so that each loop vectorises).  */
static void
fc_mt_twist (fc_mt_state *s)
{
  uint32_t *mt = s->mt;
  /* The first loop reads words ahead of those it writes, the second
     words written 227 iterations before: both safe in vectors of 8.  */
#pragma omp simd safelen(8)
  for (size_t k = 0; k < MT_N - MT_M; k++)
    mt[k] = fc_mt_mix (mt[k], mt[k + 1], mt[k + MT_M]);
#pragma omp simd safelen(8)
  for (size_t k = MT_N - MT_M; k < MT_N - 1; k++)
    mt[k] = fc_mt_mix (mt[k], mt[k + 1], mt[k + MT_M - MT_N]);
  mt[MT_N - 1] = fc_mt_mix (mt[MT_N - 1], mt[0], mt[MT_M - 1]);
  s->mti = 0;
  s->era++;
}

static inline uint32_t
fc_mt_temper (uint32_t y)
{
  y ^= y >> 11;
  y ^= (y << 7) & UINT32_C (0x9d2c5680);
  y ^= (y << 15) & UINT32_C (0xefc60000);
  return y ^ (y >> 18);
}

static void
fc_mt_set (void *vs, unsigned long seed)
{
  fc_mt_state *s = vs;
  if (seed == 0)
    seed = 4357;  /* as gsl_rng_mt19937 */
  s->mt[0] = (uint32_t) (seed & 0xffffffffUL);
  for (uint32_t i = 1; i < MT_N; i++)
    s->mt[i] = UINT32_C (1812433253) * (s->mt[i - 1] ^ (s->mt[i - 1] >> 30))
               + i;
  s->mti = MT_N;
  s->era = 0;
}

static unsigned long
fc_mt_get (void *vs)
{
  fc_mt_state *s = vs;
  if (s->mti >= MT_N)
    fc_mt_twist (s);
  return fc_mt_temper (s->mt[s->mti++]);
}

static double
fc_mt_get_double (void *vs)
{
  return (double) fc_mt_get (vs) / 4294967296.0;
}

static const gsl_rng_type fc_mt_type = {
  "flowcheck-mt19937", 0xffffffffUL, 0, sizeof (fc_mt_state),
  &fc_mt_set, &fc_mt_get, &fc_mt_get_double
};

const gsl_rng_type *fc_rng_mt19937 = &fc_mt_type;

/* ------------------------------------------------ the ziggurat's tables */

/* GSL's ziggurat with a 32-bit generator splits a word k into the step
   i = k & 0xff (bit 7 the sign) and j = (k >> 8) & 0xffffff, and accepts
   x = j * w[i & 0x7f] at once when j < kb[i & 0x7f].  */
static double fc_zig_w[128];
static uint32_t fc_zig_k[128];
static int fc_zig_ok;  /* the probe agreed with GSL on real streams */
static pthread_once_t fc_zig_once = PTHREAD_ONCE_INIT;

/* A scripted generator: the first word is the probe's, every later one is
   step 0 with j = 0, which GSL accepts whichever branch it takes (x = 0;
   on the slow branch y < ytab[0] = exp (0)), so a probe ends after at
   most two rounds.  It counts the calls: a draw that left the fast path
   shows as more than one word or any uniform.  */
typedef struct
{
  unsigned long word;
  int words, uniforms;
} fc_zig_script;

static void
fc_zig_script_set (void *vs, unsigned long seed)
{
  (void) vs;
  (void) seed;
}

static unsigned long
fc_zig_script_get (void *vs)
{
  fc_zig_script *s = vs;
  return s->words++ == 0 ? s->word : 0x80UL;
}

static double
fc_zig_script_get_double (void *vs)
{
  fc_zig_script *s = vs;
  s->uniforms++;
  return 0.5;
}

static const gsl_rng_type fc_zig_script_type = {
  "flowcheck-ziggurat-probe", 0xffffffffUL, 0, sizeof (fc_zig_script),
  &fc_zig_script_set, &fc_zig_script_get, &fc_zig_script_get_double
};

/* One probe: GSL's draw for the word (J << 8) | 0x80 | I; *FAST tells
   whether it took the fast path.  */
static double
fc_zig_probe (gsl_rng *r, uint32_t i, uint32_t j, int *fast)
{
  fc_zig_script *s = r->state;
  s->word = ((unsigned long) j << 8) | 0x80UL | i;
  s->words = 0;
  s->uniforms = 0;
  double x = gsl_ran_gaussian_ziggurat (r, 1.0);
  *fast = s->words == 1 && s->uniforms == 0;
  return x;
}

/* The bound of step I: the least j GSL does not accept at once (bisection
   on [0, 2^24]), and the width: the draw at j = 1 is 1 * w exactly.  */
static void
fc_zig_probe_step (gsl_rng *r, uint32_t i)
{
  uint32_t lo = 0, hi = UINT32_C (1) << 24;
  int fast;
  while (lo < hi)
    {
      uint32_t mid = lo + (hi - lo) / 2;
      fc_zig_probe (r, i, mid, &fast);
      if (fast)
        lo = mid + 1;
      else
        hi = mid;
    }
  fc_zig_k[i] = lo;
  fc_zig_w[i] = lo > 1 ? fc_zig_probe (r, i, 1, &fast) : 0.0;
}

static void fc_rng_gaussian_fast (gsl_rng *r, size_t n, double *z);

/* Draws per seed of the self-check: enough to pass every step's slow
   branches many times (2.8% of draws take one).  */
#define FC_ZIG_CHECK_DRAWS 20000

static int
fc_zig_self_check (void)
{
  static double fast[FC_ZIG_CHECK_DRAWS];
  int ok = 1;
  for (unsigned long seed = 1; seed <= 3 && ok; seed++)
    {
      gsl_rng *a = gsl_rng_alloc (gsl_rng_mt19937);
      gsl_rng *b = gsl_rng_alloc (fc_rng_mt19937);
      if (a == NULL || b == NULL)
        ok = 0;
      else
        {
          gsl_rng_set (a, seed);
          gsl_rng_set (b, seed);
          /* Odd lengths, so batches end inside blocks.  */
          for (size_t i = 0; i < FC_ZIG_CHECK_DRAWS; i += 777)
            {
              size_t m = i + 777 < FC_ZIG_CHECK_DRAWS
                           ? 777 : FC_ZIG_CHECK_DRAWS - i;
              fc_rng_gaussian_fast (b, m, fast + i);
            }
          for (size_t i = 0; i < FC_ZIG_CHECK_DRAWS && ok; i++)
            {
              double x = gsl_ran_gaussian_ziggurat (a, 1.0);
              ok = memcmp (&x, fast + i, sizeof x) == 0;
            }
          ok = ok && gsl_rng_get (a) == gsl_rng_get (b);
        }
      if (a)
        gsl_rng_free (a);
      if (b)
        gsl_rng_free (b);
    }
  return ok;
}

static void
fc_zig_init (void)
{
  gsl_rng *r = gsl_rng_alloc (&fc_zig_script_type);
  if (r == NULL)
    return;
  for (uint32_t i = 0; i < 128; i++)
    fc_zig_probe_step (r, i);
  gsl_rng_free (r);
  fc_zig_ok = fc_zig_self_check ();
}

/* ------------------------------------------------------------ batches */

/* N draws from R (of type fc_rng_mt19937) by the fast path, handing each
   slow draw to GSL.  A block of words is tempered at once (a loop that
   vectorises); after GSL's slow draw the block is still valid unless the
   draw's words crossed into a new twist.  */
static void
fc_rng_gaussian_fast (gsl_rng *r, size_t n, double *z)
{
  fc_mt_state *s = r->state;
  uint32_t word[MT_N];
  size_t i = 0;
  while (i < n)
    {
      if (s->mti >= MT_N)
        fc_mt_twist (s);
      size_t q0 = s->mti, era = s->era;
#pragma omp simd
      for (size_t q = q0; q < MT_N; q++)
        word[q] = fc_mt_temper (s->mt[q]);
      size_t q = q0;
      while (i < n && q < MT_N && s->era == era)
        {
          uint32_t k = word[q], step = k & 0x7f, j = (k >> 8) & 0xffffff;
          if (j < fc_zig_k[step])
            {
              /* GSL's sign * x, the sign bit set when bit 7 is clear:
                 without a branch, which would miss half the time.  */
              double x = (double) j * fc_zig_w[step];
              uint64_t bits;
              memcpy (&bits, &x, sizeof bits);
              bits ^= (uint64_t) (~k & 0x80) << 56;
              memcpy (z + i++, &bits, sizeof bits);
              s->mti = ++q;
            }
          else
            {
              s->mti = q;
              z[i++] = gsl_ran_gaussian_ziggurat (r, 1.0);
              q = s->mti;
            }
        }
    }
}

int
fc_rng_gaussian_batch_is_fast (void)
{
  pthread_once (&fc_zig_once, fc_zig_init);
  return fc_zig_ok;
}

void
fc_rng_gaussian_batch (gsl_rng *r, size_t n, double *z)
{
  if (r->type == &fc_mt_type && fc_rng_gaussian_batch_is_fast ())
    fc_rng_gaussian_fast (r, n, z);
  else
    for (size_t i = 0; i < n; i++)
      z[i] = gsl_ran_gaussian_ziggurat (r, 1.0);
}
