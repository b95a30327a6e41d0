/* derivations/guidance.h -- the studies of module `guidance` that its tests
 * call with a deliberately wrong guidance factor.
 *
 * The claims themselves run through fc_module_guidance (fc_module.h).  These
 * hooks expose the two residual studies whose correct form the module
 * confirms, with the factor c_t of the guidance term replaceable, so that a
 * test can show the study refutes a wrong factor (a check that cannot fail
 * proves nothing).  */
#ifndef FC_GUIDANCE_H
#define FC_GUIDANCE_H

#include "fc_module.h"
#include "fc_schedule.h"
#include "fc_study.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Claim S6's form as G1 and the figure use it: the continuity residual of
   the exact posterior path p_t(x|y) with the field u_t + c grad log h_t
   (exact h), linear schedule, at the module's times and steps, points from
   p_t(x|y).  C_CONST NAN uses the true factor c_t = (1-t)/t; a number
   replaces c_t by that constant.  Decides ST's verdict.  */
int
fc_guidance_split_study (const fc_run_options *opt, double c_const,
                         fc_order_study *st);

/* Claim G2's corrected equation
     dh/dt + u.grad h + c (lap h + grad log p_t . grad h) = 0
   for h_t(x) = p_t(y|x) under schedule S, by central differences of the
   exact h at the module's times and steps.  C_CONST NAN uses the true
   factor c_t of fc_guide_factor; a number replaces it.  Decides ST's
   verdict.  */
int
fc_guidance_g2_study (const fc_run_options *opt, fc_schedule s,
                      double c_const, fc_order_study *st);

#ifdef __cplusplus
}
#endif
#endif /* FC_GUIDANCE_H */
