/* src/fc_so3.h -- the rotation group SO(3): exp, log, distance, geodesics,
 * the left-invariant frame, Haar and IGSO(3) sampling, Kabsch alignment.
 *
 * The group of the note's rotation frames (N §Vector field
 * parameterisation, §Scheduling, §Interpolating between noise to data
 * distribution over SE(3)) and of motif alignment (L, motif-scaffolding
 * slides), as a library unit for the checks and for users.  Accuracy is
 * the point: fc_so3_log gives the rotation vector to about 1e-13 absolute
 * for every rotation, tiny angles, angles within 1e-10 of pi and angle pi
 * included (see fc_so3.c for the algorithm and its condition numbers).
 *
 * Conventions: a rotation is a row-major 3x3 double[9]; a rotation vector
 * w in R^3 has angle |w| and axis w/|w|; hat (w) is the skew matrix with
 * hat (w) x = w x x; exp (w) = I + sin|w|/|w| hat (w)
 * + (1 - cos|w|)/|w|^2 hat (w)^2.  Errors follow GSL: NULL or n = 0 is
 * GSL_EINVAL, a scale s <= 0 (or not finite) GSL_EDOM, reported through
 * GSL_ERROR and returned as the status (functions returning a value return
 * NaN instead).  */
#ifndef FC_SO3_H
#define FC_SO3_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* W = hat (w) = [[0, -w2, w1], [w2, 0, -w0], [-w1, w0, 0]].  */
int
fc_so3_hat (const double w[3], double W[9]);

/* w = vee of the antisymmetric part of W: ((W21 - W12)/2, (W02 - W20)/2,
   (W10 - W01)/2), so vee (hat (w)) = w exactly.  */
int
fc_so3_vee (const double W[9], double w[3]);

/* How far the 9 numbers R (row by row) are from a rotation: *ORTH the
   largest |(R^T R - I)_ij|, *DET the determinant (the input check of
   flowcheck so3 and of its fuzzer).  */
void
fc_so3_rotation_error (const double R[9], double *orth, double *det);

/* R = exp (hat (w)) by Rodrigues' formula; sin(th)/th and (1 - cos th)/th^2
   by their Taylor series below th = 1e-2 (see fc_so3.c).  */
int
fc_so3_exp (const double w[3], double R[9]);

/* The rotation vector w of R, angle |w| in [0, pi], to about 1e-13
   absolute for every rotation.  At angle exactly pi (R symmetric) both
   +w and -w are logarithms: the convention is that the axis component of
   largest magnitude (the first one among ties) is positive.  R is
   assumed orthogonal to round-off (not checked).  */
int
fc_so3_log (const double R[9], double w[3]);

/* The geodesic distance: the angle in [0, pi] of R1^T R2, through
   fc_so3_log (never acos of the trace).  NaN for NULL.  */
double
fc_so3_dist (const double R1[9], const double R2[9]);

/* R = R0 exp (t log (R0^T R1)): R0 at t = 0, R1 at t = 1 (the shorter
   geodesic; at distance pi, the one fixed by fc_so3_log's convention).  */
int
fc_so3_geodesic (const double R0[9], const double R1[9], double t,
                 double R[9]);

/* E = R hat (e_k), k in {0, 1, 2}: the left-invariant vector field of
   e_k at R, a tangent vector at R (E = d/de R exp (e e_k) at e = 0).  The
   three form an orthogonal frame of the tangent space at R (each of
   Frobenius norm sqrt 2), the frame in which divergences on SO(3) are
   taken.  */
int
fc_so3_frame (const double R[9], size_t k, double E[9]);

/* R (n, 9): n Haar (uniform) rotations, deterministic for SEED: unit
   quaternions from 4 standard normals each (fc_rng_gaussian_fill, streams
   (SEED, c) for chunk c of FC_RNG_CHUNK rotations), so the numbers do not
   depend on the thread count.  */
int
fc_so3_haar (unsigned long seed, size_t n, double *R);

/* The angle density on [0, pi] of the isotropic Gaussian IGSO(3) of scale
   s (normalised Haar measure has density (1 - cos w)/pi):
     f(w; s) = (1 - cos w)/pi * sum_{l>=0} (2l+1) exp(-l(l+1) s^2/2)
                                 sin((l+1/2) w)/sin(w/2),
   to about 1e-12 relative for every s > 0 (series for s >= 1, its exact
   image (Poisson) sum below; fc_so3.c says why).  NaN (GSL_EDOM) for
   s <= 0 or w outside [0, pi].  */
double
fc_so3_igso3_density (double w, double s);

/* The two exact forms fc_so3_igso3_density switches between, exposed so
   that their agreement can be checked: the series in l, and the sum over
   images j of the wrapped Gaussian,
     f(w; s) = 2 sqrt(2 pi) e^{s^2/8} sin(w/2)/(pi s^3)
               sum_j (-1)^j (w - 2 pi j) exp(-(w - 2 pi j)^2/(2 s^2)).  */
double
fc_so3_igso3_density_series (double w, double s);
double
fc_so3_igso3_density_images (double w, double s);

/* F (n): fc_so3_igso3_density (W[i], s) for N angles at one scale, the
   same numbers to the bit, with what depends on s alone computed once
   (for the importance weights of many draws).  GSL_EDOM for s <= 0 or
   not finite, and for an angle outside [0, pi] (its F is NaN, the others
   are computed).  */
int
fc_so3_igso3_density_fill (double s, size_t n, const double *w, double *f);

/* R (n, 9): n draws of IGSO(3) of scale s around the identity, and, if
   ANGLE is not NULL, their angles (n).  Angle by inverting the CDF
   tabulated on 1024 cells (8-point Gauss-Legendre per cell, cubic Hermite
   inside a cell: CDF error ~1e-10), axis uniform; R = exp (angle axis).
   Deterministic for SEED (4 normals per draw as in fc_so3_haar: 3 for the
   axis, one mapped to a uniform for the angle).  */
int
fc_so3_igso3_sample (unsigned long seed, double s, size_t n, double *R,
                     double *angle);

/* The proper rotation R (det +1) minimising sum_i |R x_i - y_i|^2 over
   x, y (n, 3), no centring: from the SVD of H = sum_i x_i y_i^T
   (gsl_linalg_SV_decomp), H = U S V^T, R = V diag(1, 1, d) U^T with
   d = sign det (V U^T).  */
int
fc_so3_kabsch (size_t n, const double *x, const double *y, double R[9]);

#ifdef __cplusplus
}
#endif
#endif /* FC_SO3_H */
