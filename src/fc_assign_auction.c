/* src/fc_assign_auction.c -- a warm start for the exact assignment solver
 * of fc_assign.c: column prices near the optimal dual, from Bertsekas's
 * auction with epsilon scaling (Bertsekas, "The auction algorithm: a
 * distributed relaxation method for the assignment problem", Ann. Oper.
 * Res. 14, 1988; epsilon scaling: Bertsekas and Castanon, Parallel
 * Computing 17, 1991).
 *
 * Why: from the plain column reduction, the shortest augmenting path
 * method assigns almost every row by a search (for 512 points of N(0, I)
 * against torchcfm's 8 Gaussians, column reduction settles 14 rows and
 * the 498 searches scan about 90 columns each: 53 ms per solve, which
 * made otcfm's training step 45 times dearer than icfm's).  The minimum
 * of each column sits on the few source points nearest the target's
 * clusters, so the reduction has nothing to offer there.  The auction's
 * prices put every row within epsilon of its best column; the exact
 * method then only repairs what epsilon left (fc_assign.c).  GSL has no
 * auction either.
 *
 * The auction (Gauss-Seidel form, minimising): row i, free, bids for the
 * column j1 that minimises C[i, j] + p_j, raising p_j1 by the gap to its
 * second best plus epsilon and evicting j1's holder.  A phase ends when
 * every row holds a column; the rows are then all within epsilon of their
 * best (epsilon complementary slackness), and the next phase starts with
 * the prices kept, every row free and epsilon divided by THETA, down to
 * EPS_FINAL.  Every bid raises a price by at least epsilon and no price
 * rises past the cost range plus epsilon before every column is held, so
 * each phase ends; the result depends only on C (no ties are broken at
 * random).  */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "fc_assign_internal.h"

/* Epsilon scaling: start at a quarter of the cost range, divide by 6
   (Bertsekas's range of 4-10) and stop at 1e-6 of the range, a width the
   exact repair crosses in a few short searches.  Measured on 512 points
   of N(0, I) against the 8 Gaussians: see fc_assign.c.  */
#define AUCTION_THETA 6.0
#define AUCTION_EPS_START 0.25
#define AUCTION_EPS_FINAL 1e-6
#define AUCTION_EPS_ULPS 1024.0

/* The least and second least of C[i, j] + p_j over j: the column of the
   least in the return value (the first such column), the values in *W1,
   *W2 (W2 = W1 when n = 1; W2 = W1 when the least is attained twice).
   Nearly all of an auction's time is spent here, so it runs on four
   lanes of GCC's vector extension (lane l sees the columns j = l mod 4,
   keeping its own least, first column of it, and second least), compiled
   for AVX2 and for the baseline by target_clones; the lanes are merged
   exactly (no arithmetic but the sums C + p, which every form computes
   alike), so the result is the scalar scan's bit for bit.  Measured on
   the 512-point otcfm batch: see fc_assign.c.  */
typedef double lane_double __attribute__ ((vector_size (32)));
typedef long long lane_mask __attribute__ ((vector_size (32)));

/* M ? A : B lane by lane (a macro: a function passing 32-byte vectors
   would have an ABI that depends on the target) */
#define LANE_SELECT(m, a, b) (((m) & (a)) | (~(m) & (b)))
#define LANE_SELECT_DOUBLE(m, a, b)                                       \
  ((lane_double) LANE_SELECT ((m), (lane_mask) (a), (lane_mask) (b)))

__attribute__ ((target_clones ("avx2", "default"))) static long
best_two (size_t n, const double *ci, const double *p, double *w1,
          double *w2)
{
  lane_double a = { HUGE_VAL, HUGE_VAL, HUGE_VAL, HUGE_VAL }, b = a;
  lane_mask ia = { -1, -1, -1, -1 }, col = { 0, 1, 2, 3 }, four = { 4, 4, 4, 4 };
  size_t j = 0;
  for (; j + 4 <= n; j += 4, col += four)
    {
      lane_double cj, pj;
      memcpy (&cj, ci + j, sizeof cj);
      memcpy (&pj, p + j, sizeof pj);
      lane_double h = cj + pj;
      lane_mask below_a = h < a, below_b = h < b;
      b = LANE_SELECT_DOUBLE (below_a, a, LANE_SELECT_DOUBLE (below_b, h, b));
      ia = LANE_SELECT (below_a, col, ia);
      a = LANE_SELECT_DOUBLE (below_a, h, a);
    }
  /* merge: the least over lanes and the tail, the first column at it,
     and the second least of the multiset of every lane's two values */
  double va = HUGE_VAL, vb = HUGE_VAL;
  long ja = -1;
  for (int l = 0; l < 4; l++)
    {
      double al = a[l], bl = b[l];
      if (al < va || (al == va && ia[l] >= 0 && ia[l] < ja))
        {
          vb = fmin (va, bl);
          va = al;
          ja = ia[l];
        }
      else
        vb = fmin (vb, al);
      vb = fmin (vb, bl);
    }
  for (; j < n; j++)
    {
      double h = ci[j] + p[j];
      if (h < va)
        {
          vb = va;
          va = h;
          ja = (long) j;
        }
      else if (h < vb)
        vb = h;
    }
  *w1 = va;
  *w2 = (n > 1) ? vb : va;
  return ja;
}

/* One phase at EPS: every row free, bids until every column is held.
   X (row -> column), Y (column -> row); STACK (n) holds the free rows.  */
static void
auction_phase (size_t n, const double *c, double *p, long *x, long *y,
               long *stack, double eps)
{
  size_t top = 0;
  for (size_t i = n; i-- > 0;)
    {
      x[i] = -1;
      y[i] = -1;
      stack[top++] = (long) i;
    }
  while (top > 0)
    {
      long i = stack[--top];
      double w1, w2;
      long j = best_two (n, c + (size_t) i * n, p, &w1, &w2);
      p[j] += (w2 - w1) + eps;
      long held = y[j];
      if (held >= 0)
        {
          x[held] = -1;
          stack[top++] = held;
        }
      y[j] = i;
      x[i] = j;
    }
}

void
fc_assign_auction (size_t n, const double *c, double *p, long *x, long *y,
                   long *stack)
{
  double cmin = c[0], cmax = c[0];
  for (size_t k = 1; k < n * n; k++)
    {
      if (c[k] < cmin)
        cmin = c[k];
      if (c[k] > cmax)
        cmax = c[k];
    }
  double range = cmax - cmin;
  for (size_t j = 0; j < n; j++)
    p[j] = 0.0;
  if (!(range > 0.0) || !isfinite (range))
    {
      /* a constant C (every permutation optimal), or a range past
         DBL_MAX: the identity, at zero prices; the repair does the rest */
      for (size_t i = 0; i < n; i++)
        x[i] = y[i] = (long) i;
      return;
    }
  /* a price step below the spacing of the doubles near max |C| would not
     show in C[i, j] + p_j: the final epsilon stays above it */
  double cabs = fmax (fabs (cmin), fabs (cmax));
  double eps_final = fmax (AUCTION_EPS_FINAL * range,
                           AUCTION_EPS_ULPS * DBL_EPSILON * cabs);
  for (double eps = AUCTION_EPS_START * range;; eps /= AUCTION_THETA)
    {
      if (eps < eps_final)
        eps = eps_final;
      auction_phase (n, c, p, x, y, stack, eps);
      if (eps <= eps_final)
        break;
    }
}
