/* src/fc_mlp_layers.h -- the operators of fc_mlp, one forward and one
 * backward function each, in the manner of llm.c: outputs first, then
 * inputs, then sizes; a shape comment on every buffer; backward functions
 * ACCUMULATE (+=) into their gradient outputs, the caller zeroes them.
 * Row-major, one point a row.  Internal to the library, not installed.  */
#ifndef FC_MLP_LAYERS_H
#define FC_MLP_LAYERS_H

#include <stddef.h>
#include "fc_mlp.h"

/* OUT (n, m) = INP (n, k) W^T + B: W (m, k), B (m); one dgemm.  */
void fc_linear_forward (double *out, const double *inp, const double *w,
                        const double *b, size_t n, size_t k, size_t m);

/* Given DOUT (n, m): DINP (n, k) += DOUT W (skipped when DINP is NULL),
   DW (m, k) += DOUT^T INP, DB (m) += column sums of DOUT.  */
void fc_linear_backward (double *dinp, double *dw, double *db,
                         const double *dout, const double *inp,
                         const double *w, size_t n, size_t k, size_t m);

/* OUT (count) = act (INP (count)), element-wise; OUT may equal INP only
   if the caller keeps no copy of the pre-activation (the backward pass
   needs INP).  */
void fc_act_forward (fc_mlp_activation act, double *out, const double *inp,
                     size_t count);

/* DINP (count) += act'(INP) * DOUT (count).  */
void fc_act_backward (fc_mlp_activation act, double *dinp, const double *inp,
                      const double *dout, size_t count);

/* The mean-squared loss 1/count sum (PRED - TARGET)^2 over COUNT = n m
   entries.  */
double fc_mse_forward (const double *pred, const double *target,
                       size_t count);

/* DPRED (count) += 2 (PRED - TARGET) / count.  */
void fc_mse_backward (double *dpred, const double *pred,
                      const double *target, size_t count);

#endif /* FC_MLP_LAYERS_H */
