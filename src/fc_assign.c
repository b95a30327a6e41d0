/* src/fc_assign.c -- the exact assignment problem (fc_assign.h) by the
 * shortest augmenting path method of Jonker and Volgenant (Computing 38,
 * 325-340, 1987), dense form.
 *
 * Why written here: GSL has no assignment solver, and Debian packages none
 * for C (apt-cache search "assignment problem" lists only Perl's
 * Algorithm::Munkres, Python's munkres (O(n^4) Hungarian, pure Python) and
 * R's heuristics for the quadratic problem).  SciPy's
 * linear_sum_assignment (also a shortest augmenting path) is Python.
 *
 * The method: column reduction (v_j = min_i C[i, j], a row takes the first
 * column whose minimum it attains when it is still free) gives a feasible
 * dual (u = 0) and a partial assignment on tight edges; every row still
 * free is then assigned by a Dijkstra search over columns with reduced
 * costs C[i, j] - v_j (non-negative, since an assigned row's column
 * attains its row minimum of C - v: the invariant the price update keeps),
 * stopping at the first free column at the minimum distance, then the
 * prices of the columns made permanent are raised and the path flipped.
 * That start fits random cost matrices; for point sets it settles almost
 * nothing (the column minima sit on the few points nearest the other
 * set), so from n = FC_ASSIGN_WARM_MIN on the prices come from an auction
 * instead (fc_assign_auction.c) and the search only repairs what its
 * epsilon left.  JV's own initial speed-ups (reduction transfer,
 * augmenting row reduction) were tried and measured: on 512 points of
 * N(0, I) against torchcfm's 8 Gaussians they settle no more rows and the
 * row reduction's ping-pong among near ties made a solve 5 times slower.
 * Same 512-point problem, 20 solves, CPU time per solve: 53 ms from the
 * column reduction, 10-15 ms from the auction (the bids are most of it:
 * about 15,000 of them, 30 per row; then about 100 rows freed and 250
 * columns scanned); n = 1000: 510 ms, 40-60 ms.  The result is the same
 * permutation (the optimum is unique for points in general position).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fc_assign.h"
#include "fc_assign_internal.h"

/* From this size on, the auction's prices start the search
   (fc_assign_auction.c); below it the column reduction does, and the
   brute-force tests (n <= 8) exercise that path.  */
#ifndef FC_ASSIGN_WARM_MIN
#define FC_ASSIGN_WARM_MIN 16
#endif

/* Solver state: row -> column (X), column -> row (Y), -1 when free; the
   column prices V; the Dijkstra distances D, predecessors PRED and the
   column list COLLIST of JV's augmentation (ready columns first, then
   those at the current minimum, then the rest).  */
typedef struct
{
  size_t n;
  const double *c; /* (n, n) */
  long *x, *y, *pred, *collist;
  double *v, *d;
} assign_state;

static void
state_free (assign_state *s)
{
  free (s->x);
  free (s->y);
  free (s->pred);
  free (s->collist);
  free (s->v);
  free (s->d);
}

static int
state_alloc (assign_state *s, size_t n, const double *c)
{
  s->n = n;
  s->c = c;
  s->x = malloc (n * sizeof (long));
  s->y = malloc (n * sizeof (long));
  s->pred = malloc (n * sizeof (long));
  s->collist = malloc (n * sizeof (long));
  s->v = malloc (n * sizeof (double));
  s->d = malloc (n * sizeof (double));
  if (!s->x || !s->y || !s->pred || !s->collist || !s->v || !s->d)
    {
      state_free (s);
      return GSL_ENOMEM;
    }
  return GSL_SUCCESS;
}

/* Column reduction: v_j = min_i C[i, j]; column j goes to its first
   minimising row when that row is free.  */
static void
column_reduction (assign_state *s)
{
  size_t n = s->n;
  for (size_t i = 0; i < n; i++)
    s->x[i] = -1;
  for (size_t j = 0; j < n; j++)
    {
      size_t imin = 0;
      double cmin = s->c[j];
      for (size_t i = 1; i < n; i++)
        if (s->c[i * n + j] < cmin)
          {
            cmin = s->c[i * n + j];
            imin = i;
          }
      s->v[j] = cmin;
      s->y[j] = -1;
      if (s->x[imin] < 0)
        {
          s->x[imin] = (long) j;
          s->y[j] = (long) imin;
        }
    }
}

/* Move the columns at the least distance among COLLIST[UP .. n) to
   COLLIST[LOW .. UP); returns the new UP and the minimum in *MIN.  */
static size_t
gather_minimum (assign_state *s, size_t low, size_t up, double *min)
{
  long *cl = s->collist;
  double m = s->d[cl[up++]];
  for (size_t k = up; k < s->n; k++)
    {
      long j = cl[k];
      double h = s->d[j];
      if (h <= m)
        {
          if (h < m)
            {
              up = low;
              m = h;
            }
          cl[k] = cl[up];
          cl[up++] = j;
        }
    }
  *min = m;
  return up;
}

/* Scan the column COLLIST[LOW] (assigned, at distance MIN): relax the
   distances of the columns not yet at the minimum through its row.
   Returns a free column reached at distance MIN, or -1; *UP grows by the
   columns that reach MIN.  */
static long
scan_column (assign_state *s, size_t low, size_t *up, double min)
{
  size_t n = s->n;
  long *cl = s->collist;
  long j1 = cl[low];
  long i = s->y[j1];
  const double *ci = s->c + (size_t) i * n;
  double h = ci[j1] - s->v[j1] - min;
  for (size_t k = *up; k < n; k++)
    {
      long j = cl[k];
      double dj = ci[j] - s->v[j] - h;
      if (dj < s->d[j])
        {
          s->pred[j] = i;
          if (dj == min)
            {
              if (s->y[j] < 0)
                return j;
              cl[k] = cl[*up];
              cl[(*up)++] = j;
            }
          s->d[j] = dj;
        }
    }
  return -1;
}

/* Assign the free row F by a shortest augmenting path (JV's
   augmentation), raising the prices of the columns made permanent.  */
static void
augment_row (assign_state *s, long f)
{
  size_t n = s->n;
  const double *cf = s->c + (size_t) f * n;
  for (size_t j = 0; j < n; j++)
    {
      s->d[j] = cf[j] - s->v[j];
      s->pred[j] = f;
      s->collist[j] = (long) j;
    }
  size_t low = 0, up = 0, last = 0;
  double min = 0.0;
  long end = -1;
  while (end < 0)
    {
      if (up == low)
        {
          last = low; /* columns [0, last) are permanent */
          up = gather_minimum (s, low, up, &min);
          for (size_t k = low; k < up && end < 0; k++)
            if (s->y[s->collist[k]] < 0)
              end = s->collist[k];
          if (end >= 0)
            break;
        }
      end = scan_column (s, low, &up, min);
      low++;
    }
  for (size_t k = 0; k < last; k++)
    {
      long j = s->collist[k];
      s->v[j] += s->d[j] - min;
    }
  long i;
  do
    {
      i = s->pred[end];
      s->y[end] = i;
      long next = s->x[i];
      s->x[i] = end;
      end = next;
    }
  while (i != f);
}

/* The least reduced cost C[i, j] - v_j of row I over the columns other
   than SKIP (-1: over all).  */
static double
least_reduced_cost (const assign_state *s, size_t i, long skip)
{
  const double *ci = s->c + i * s->n;
  double m = HUGE_VAL;
  for (size_t j = 0; j < s->n; j++)
    if ((long) j != skip && ci[j] - s->v[j] < m)
      m = ci[j] - s->v[j];
  return m;
}

/* The warm start (fc_assign_auction.c): v = -p from the auction, then
   each row's column priced so that the row's reduced cost there ties its
   second best (a lower price when the auction's epsilon left the row
   short, a higher one otherwise), then every row whose column is not
   exactly its least reduced cost under the final v is freed: the
   invariant of the augmentation (an assigned row's column attains its
   row minimum) then holds exactly, in floating point, as it does after
   the column reduction.  The freed rows go to FREE; returns their
   count.  */
static size_t
warm_start (assign_state *s, long *free_rows)
{
  size_t n = s->n;
  fc_assign_auction (n, s->c, s->v, s->x, s->y, s->collist);
  for (size_t j = 0; j < n; j++)
    s->v[j] = -s->v[j];
  if (n > 1)
    for (size_t i = 0; i < n; i++)
      {
        long j = s->x[i];
        s->v[j] = s->c[i * n + (size_t) j] - least_reduced_cost (s, i, j);
      }
  size_t nfree = 0;
  for (size_t i = 0; i < n; i++)
    {
      long j = s->x[i];
      if (s->c[i * n + (size_t) j] - s->v[j] > least_reduced_cost (s, i, -1))
        {
          s->x[i] = -1;
          s->y[j] = -1;
          free_rows[nfree++] = (long) i;
        }
    }
  return nfree;
}

int
fc_assign_solve (size_t n, const double *cost, size_t *perm, double *total,
                 double *u, double *v)
{
  if (n > 0 && (!cost || !perm))
    GSL_ERROR ("null cost or permutation", GSL_EINVAL);
  for (size_t k = 0; k < n * n; k++)
    if (!isfinite (cost[k]))
      GSL_ERROR ("non-finite cost", GSL_EDOM);
  if (total)
    *total = 0.0;
  if (n == 0)
    return GSL_SUCCESS;
  assign_state s;
  if (state_alloc (&s, n, cost) != GSL_SUCCESS)
    GSL_ERROR ("no memory for the assignment", GSL_ENOMEM);
  if (n >= FC_ASSIGN_WARM_MIN)
    {
      long *rows = malloc (n * sizeof (long));
      if (!rows)
        {
          state_free (&s);
          GSL_ERROR ("no memory for the assignment", GSL_ENOMEM);
        }
      size_t nfree = warm_start (&s, rows);
      for (size_t k = 0; k < nfree; k++)
        augment_row (&s, rows[k]);
      free (rows);
    }
  else
    {
      column_reduction (&s);
      for (size_t i = 0; i < n; i++)
        if (s.x[i] < 0)
          augment_row (&s, (long) i);
    }
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      size_t j = (size_t) s.x[i];
      perm[i] = j;
      sum += cost[i * n + j];
      if (u)
        u[i] = cost[i * n + j] - s.v[j];
    }
  if (v)
    memcpy (v, s.v, n * sizeof (double));
  if (total)
    *total = sum;
  state_free (&s);
  return GSL_SUCCESS;
}

int
fc_assign_sqeuclid (size_t n, size_t d, const double *x, const double *y,
                    size_t *perm, double *total)
{
  if (n > 0 && (!x || !y || !perm || d == 0))
    GSL_ERROR ("null points or permutation, or dimension 0", GSL_EINVAL);
  double *c = malloc ((n ? n * n : 1) * sizeof (double));
  if (!c)
    GSL_ERROR ("no memory for the cost matrix", GSL_ENOMEM);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      {
        double s = 0.0;
        for (size_t k = 0; k < d; k++)
          {
            double e = x[i * d + k] - y[j * d + k];
            s += e * e;
          }
        c[i * n + j] = s;
      }
  int status = fc_assign_solve (n, c, perm, total, NULL, NULL);
  free (c);
  return status;
}

int
fc_assign_w2sq (size_t n, size_t d, const double *x, const double *y,
                double *w2sq)
{
  if (n == 0 || !w2sq)
    GSL_ERROR ("W2 of empty samples, or null result", GSL_EINVAL);
  size_t *perm = malloc (n * sizeof (size_t));
  if (!perm)
    GSL_ERROR ("no memory for the permutation", GSL_ENOMEM);
  double total;
  int status = fc_assign_sqeuclid (n, d, x, y, perm, &total);
  free (perm);
  if (status == GSL_SUCCESS)
    *w2sq = total / (double) n;
  return status;
}
