/* derivations/score.h -- entry points of module `score` with a perturbation.
 *
 * The claim table of derivations/score.c checks S1-S6 as the note writes
 * them (N §Going through the diffusion ODE).  A check that can only pass is
 * no check: the two entry points below run the measurements of S3 and S5
 * with one ingredient of the formula deliberately changed, so that the
 * tests can show the same measurements refute a wrong formula.  With the
 * note's ingredient (FC_SCORE_SDE_NOTE, FC_SCORE_FACTOR_NOTE) they are the
 * claims' checks themselves.  */
#ifndef FC_SCORE_H
#define FC_SCORE_H

#include "fc_module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The diffusion coefficient of the reversed SDE of S3,
   dx = -x/(1-r) dr + g(r) dw.  */
typedef enum
{
  FC_SCORE_SDE_NOTE = 0,       /* g^2 = 2r/(1-r): the note's SDE */
  FC_SCORE_SDE_NO_DENOMINATOR, /* g^2 = 2r: the factor 1/(1-r) dropped */
  FC_SCORE_SDE_COUNT
} fc_score_sde;

/* The factor in front of grad log p_r(y|x) in the guided field of S5,
   nu~_r = nu_r + k(r) grad log p_r(y|x).  */
typedef enum
{
  FC_SCORE_FACTOR_NOTE = 0, /* k = r/(1-r): the note's field */
  FC_SCORE_FACTOR_ONE,      /* k = 1: the factor dropped */
  FC_SCORE_FACTOR_COUNT
} fc_score_factor;

/* Measure S3 with diffusion SDE into V (initialised by the caller, as
   fc_claim_run does).  Status as a claim's check; GSL_EINVAL for an
   unknown SDE.  */
int
fc_score_s3_measure (const fc_run_options *opt, fc_score_sde sde,
                     fc_verdict *v);

/* Measure S5 with guidance factor FACTOR into V.  Status as a claim's
   check; GSL_EINVAL for an unknown factor.  */
int
fc_score_s5_measure (const fc_run_options *opt, fc_score_factor factor,
                     fc_verdict *v);

#ifdef __cplusplus
}
#endif
#endif /* FC_SCORE_H */
