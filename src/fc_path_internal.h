/* src/fc_path_internal.h -- the pieces of the exact path kernel shared by
 * fc_path.c (the public calls and the eigenbasis constants),
 * fc_path_chol.c (the Cholesky constants) and fc_path_kernel.c (the chunk
 * kernels, one variant per instruction set, and the dispatch among them).
 * Internal, not installed; the tests use the instruction-set hook.  */
#ifndef FC_PATH_INTERNAL_H
#define FC_PATH_INTERNAL_H

#include <stddef.h>
#include "fc_gmm.h"
#include "fc_path.h"
#include "fc_schedule.h"

/* Points per chunk.  64 rows of D doubles keep the chunk's Z, W and
   accumulators in L2 up to D ~ 100, and amortise the per-component work
   (loading the component's matrices, its constants) over many points; the
   chunk is also the unit of OpenMP work.  Results do not depend on it.  */
#define FC_PATH_CHUNK 64

/* Points per lane block of the small-D kernel (fc_path_small.h), and the
   largest D it serves.  */
#define FC_PATH_LANES 8
#define FC_PATH_SMALL_D 16

/* The vector quantities, in the order of the accumulators. */
enum
{
  VQ_SCORE = 0,
  VQ_VELOCITY,
  VQ_X1HAT,
  VQ_X0HAT,
  VQ_COUNT
};

/* The instruction sets of the chunk kernel (fc_path_kernel.c).  */
typedef enum
{
  FC_PATH_ISA_DEFAULT = 0, /* the portable baseline (x86-64: SSE2) */
  FC_PATH_ISA_AVX2,        /* AVX2 + FMA, 4-double vectors, 6 x 8 blocks */
  FC_PATH_ISA_AVX512,      /* AVX-512 F/VL/DQ, 8-double vectors, 8 x 16 */
  FC_PATH_ISA_COUNT,
  FC_PATH_ISA_BEST = FC_PATH_ISA_COUNT /* the best this CPU supports */
} fc_path_isa;

/* Per-call constants shared (read-only) by every thread. */
typedef struct
{
  const fc_gmm *g;
  size_t d, nk;
  fc_schedule_value sv;
  int alpha0;            /* alpha == 0: every component has the same law */
  int need_vq[VQ_COUNT]; /* accumulate this vector quantity */
  int need_div, need_logp;
  fc_path_isa isa;       /* the kernel variant of this call */
  double *lconst;        /* (K) log w_k - 1/2 log det C_k - D/2 log 2 pi */
  double *inv_c;         /* (K, D) 1 / c_i */
  double *amu;           /* (K, D) alpha * mean_eig_k */
  double *gdiag;         /* (VQ_COUNT, K, D) diagonal g per quantity */
  double a[VQ_COUNT];    /* the scalar a per quantity */
  double *ame;           /* (VQ_COUNT, K, D) a * mean_eig_k per quantity */
  double *sumb;          /* (K) tr B_k = sum_i b_i */
  double *bic;           /* (K, D) b_i / c_i, for s_k . u_k */
  double *block;         /* the allocation the arrays point into */
  /* The Cholesky form (fc_path_chol.c), when chol is set.  */
  int chol;
  double *mt;            /* (K, D, D) L_k^{-T} row-major, upper triangular */
  double *lm;            /* (K, D) L_k^{-1} alpha mu_k */
  double *lcc;           /* (K) log w_k - sum_i log (L_k)_ii - D/2 log 2 pi */
  double *rq;            /* (VQ_COUNT, K, D, D) L_k^{-1} G_q,k row-major */
  double *chol_block;    /* the allocation of mt, lm, lcc, rq */
  /* affine: only the score is accumulated (need_vq[VQ_SCORE] alone) and
     the other vector quantities are affine in it (fc_path_chol.c):
     u = ux x + us s, x0hat = -sigma s, x1hat = (x + sigma^2 s) / alpha. */
  int affine;
  double ux, us;
  int small;             /* the small-D kernel (fc_path_small.h) runs */
} fc_path_plan;

/* Per-thread scratch, allocated once per call.  */
typedef struct
{
  double *z;          /* (B, D) */
  double *w;          /* (B, D) */
  double *y;          /* (VQ_COUNT, B, D) accumulators */
  double *m;          /* (B) running maximum of log w_k N_k */
  double *ssum;       /* (B) sum of exp (log w_k N_k - m) */
  double *tdiv;       /* (B) sum of e_k (tr B_k + s_k . u_k) */
  double *e;          /* (B) weight of the current component */
  double *lk;         /* (K, FC_PATH_LANES) log w_k N_k, small-D kernel */
  double *ly;         /* (K, D, FC_PATH_LANES) y_k, small-D kernel */
  double *block;      /* the allocation the arrays point into */
} fc_path_scratch;

/* The Cholesky constants of PL (eigenbasis constants already set): sets
   pl->chol when the form applies (alpha != 0, no divergence asked, every
   C_k well conditioned), else leaves it 0.  GSL_ENOMEM, else
   GSL_SUCCESS.  */
int
fc_path_chol_plan_init (fc_path_plan *pl);

void
fc_path_chol_plan_free (fc_path_plan *pl);

/* The points P0 .. P0+NB-1 of X, with the variant pl->isa.  Returns 1 when
   some result is not finite (overflow), else 0.  */
int
fc_path_chunk (const fc_path_plan *pl, fc_path_scratch *s, size_t p0,
               size_t nb, const double *x, const fc_path_out *out);

/* 1 when this CPU (and this build) can run variant ISA.  */
int
fc_path_isa_supported (fc_path_isa isa);

/* The variant the next evaluations use: ISA when forced by
   fc_path_isa_force, else the best supported.  */
fc_path_isa
fc_path_isa_current (void);

/* Test hook: force every later evaluation onto variant ISA
   (FC_PATH_ISA_BEST restores the automatic choice); returns the previous
   setting.  The caller checks fc_path_isa_supported first.  Not
   thread-safe: call it between evaluations.  */
fc_path_isa
fc_path_isa_force (fc_path_isa isa);

const char *
fc_path_isa_name (fc_path_isa isa);

#endif /* FC_PATH_INTERNAL_H */
