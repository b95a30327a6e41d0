/* src/fc_ode.c -- batch integration of dx/dt = u_t(x) for particles.
 *
 * Sampling by the flow (N "Ordinary differential equation"; L "Sampling
 * algorithm") and the instantaneous change of variables
 *   d/dt log p_t(x(t)) = -div u_t(x(t))                     (claim C5)
 * which is one more ODE per particle, integrated with the same scheme.
 *
 * Fixed-step schemes advance the whole batch together, one batched field
 * call per stage, so that an order study costs steps * stages calls.  GSL
 * has no explicit Euler stepper, and its rk4 works on one system at a time,
 * so the three schemes are written here (Butcher tableaux of Euler, Heun's
 * explicit trapezoid and the classic RK4).
 *
 * The adaptive integrator gives every particle its own odeiv2 system (x and,
 * when asked, the log-density change) so that each gets the steps its own
 * path needs; a particle's result does not depend on which thread ran it
 * because the driver is reset, including its initial step, before each.
 * The joint form makes one system of each chunk's particles (fc_ode.h).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "fc_ode.h"
#include "fc_parse.h"

/* Particles per unit of parallel work in the adaptive integrator, and per
   system of the joint one (whose results it sets; fc_ode.h says 32).  For
   fc_ode_adaptive any value gives the same results (particles are
   independent); it only sets the load-balancing granularity.  */
#define FC_ODE_CHUNK 32

static const char *const fc_ode_fixed_names[FC_ODE_FIXED_COUNT]
    = { "euler", "heun", "rk4" };

const char *
fc_ode_fixed_method_name (fc_ode_fixed_method m)
{
  return fc_parse_index_name (fc_ode_fixed_names, FC_ODE_FIXED_COUNT,
                              (int) m, "unknown");
}

/* ------------------------------------------------------------ fixed step */

/* Stage buffers of one fixed-step run, one allocation.  */
typedef struct
{
  double *block;
  double *k[4];   /* (n, D) stage slopes */
  double *d[4];   /* (n) stage divergences, NULL without logdet */
  double *xs;     /* (n, D) stage point */
} fc_ode_stages;

static int
fc_ode_stages_alloc (fc_ode_stages *s, size_t n_stages, size_t n, size_t dim,
                     int with_div)
{
  size_t nd = n * dim;
  size_t total = (n_stages + 1) * nd + (with_div ? n_stages * n : 0);
  memset (s, 0, sizeof *s);
  s->block = malloc ((total ? total : 1) * sizeof (double));
  if (s->block == NULL)
    return GSL_ENOMEM;
  double *p = s->block;
  for (size_t j = 0; j < n_stages; j++, p += nd)
    s->k[j] = p;
  s->xs = p;
  p += nd;
  for (size_t j = 0; with_div && j < n_stages; j++, p += n)
    s->d[j] = p;
  return GSL_SUCCESS;
}

/* XS = X + a K, elementwise over N values.  */
static void
fc_ode_axpy (size_t n, double *xs, const double *x, double a, const double *k)
{
  for (size_t i = 0; i < n; i++)
    xs[i] = x[i] + a * k[i];
}

/* One step of the explicit Runge-Kutta tableau with nodes C, lower
   triangle A (row j uses only its last nonzero entry: all three schemes
   here have a_{j,l} = 0 for l < j-1) and weights B.  */
typedef struct
{
  size_t stages;
  double c[4];
  double a[4];    /* a[j] = a_{j, j-1} */
  double b[4];
} fc_ode_tableau;

static const fc_ode_tableau fc_ode_tableaux[FC_ODE_FIXED_COUNT] = {
  /* Euler: order 1.  */
  { 1, { 0.0 }, { 0.0 }, { 1.0 } },
  /* Heun (explicit trapezoid): order 2.  */
  { 2, { 0.0, 1.0 }, { 0.0, 1.0 }, { 0.5, 0.5 } },
  /* Classic RK4: order 4.  */
  { 4, { 0.0, 0.5, 0.5, 1.0 }, { 0.0, 0.5, 0.5, 1.0 },
    { 1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0 } },
};

/* One step of size DT from T.  A stage with node c = 1 is evaluated at TN,
   the end of the step as the caller knows it (t1 itself on the last step),
   not at the rounded sum t + dt: that can land one ulp beyond t1, outside
   the domain of a field defined on [0, 1] only (the path of fc_path.h
   fails with GSL_EDOM at 1 + 2^-52 or at -2^-54).  Stages with 0 <= c < 1
   stay strictly inside the step.  */
static int
fc_ode_fixed_step (fc_velocity_fn f, void *params, const fc_ode_tableau *tb,
                   size_t dim, size_t n, double *x, double *logdet, double t,
                   double dt, double tn, fc_ode_stages *s)
{
  size_t nd = n * dim;
  for (size_t j = 0; j < tb->stages; j++)
    {
      const double *xj = x;
      if (j > 0)
        {
          fc_ode_axpy (nd, s->xs, x, tb->a[j] * dt, s->k[j - 1]);
          xj = s->xs;
        }
      double tj = tb->c[j] == 1.0 ? tn : t + tb->c[j] * dt;
      int status = f (tj, n, xj, s->k[j], logdet ? s->d[j] : NULL, params);
      if (status)
        return status;
    }
  for (size_t j = 0; j < tb->stages; j++)
    {
      fc_ode_axpy (nd, x, x, tb->b[j] * dt, s->k[j]);
      /* d/dt log p = -div u, with the same weights as the state.  */
      if (logdet)
        fc_ode_axpy (n, logdet, logdet, -tb->b[j] * dt, s->d[j]);
    }
  return GSL_SUCCESS;
}

int
fc_ode_fixed (fc_velocity_fn f, void *params, fc_ode_fixed_method method,
              size_t dim, size_t n, double *x, double *logdet, double t0,
              double t1, size_t steps, double *traj)
{
  if ((int) method < 0 || method >= FC_ODE_FIXED_COUNT)
    GSL_ERROR ("unknown fixed-step method", GSL_EINVAL);
  if (steps == 0 || dim == 0)
    GSL_ERROR ("steps and dim must be positive", GSL_EDOM);
  if (!isfinite (t0) || !isfinite (t1))
    GSL_ERROR ("integration limits must be finite", GSL_EDOM);
  const fc_ode_tableau *tb = &fc_ode_tableaux[method];
  size_t nd = n * dim;
  fc_ode_stages s;
  if (fc_ode_stages_alloc (&s, tb->stages, n, dim, logdet != NULL))
    GSL_ERROR ("cannot allocate stage buffers", GSL_ENOMEM);
  double dt = (t1 - t0) / (double) steps;
  int status = GSL_SUCCESS;
  if (traj)
    memcpy (traj, x, nd * sizeof (double));
  for (size_t k = 0; k < steps && status == GSL_SUCCESS; k++)
    {
      /* Times from t0 + k dt, not accumulated, and the last step ends at
         t1 exactly.  */
      double t = t0 + (double) k * dt;
      double tn = k + 1 == steps ? t1 : t + dt;
      status = fc_ode_fixed_step (f, params, tb, dim, n, x, logdet, t, dt, tn,
                                  &s);
      if (traj && status == GSL_SUCCESS)
        memcpy (traj + (k + 1) * nd, x, nd * sizeof (double));
    }
  free (s.block);
  return status;
}

/* ------------------------------------------------------------ adaptive */

/* The odeiv2 system of a group of M particles: y = (x_1 .. x_M, l_1 ..
   l_M) with l' = -div u (for M = 1, the particle's (x, l)).  One per
   thread; the field's own failure status is kept in STATUS because odeiv2
   only stops at once on GSL_EBADFUNC (other statuses make it retry with a
   smaller step).  DIV has room for a whole group.  */
typedef struct
{
  fc_velocity_fn f;
  void *params;
  size_t dim, m;
  int with_div;
  int status;
  size_t n_evals;
  double *div;
} fc_ode_particle;

static int
fc_ode_particle_rhs (double t, const double y[], double dydt[], void *params)
{
  fc_ode_particle *p = params;
  p->n_evals += p->m;
  int status = p->f (t, p->m, y, dydt, p->with_div ? p->div : NULL,
                     p->params);
  if (status)
    {
      p->status = status;
      return GSL_EBADFUNC;
    }
  for (size_t i = 0; p->with_div && i < p->m; i++)
    dydt[p->m * p->dim + i] = -p->div[i];
  return GSL_SUCCESS;
}

/* Outcome of one chunk of particles.  */
typedef struct
{
  int status;         /* first failure in the chunk, lowest index */
  size_t steps_max;
  size_t n_evals;
} fc_ode_chunk_result;

/* Everything the chunks share.  GROUP: particles per odeiv2 system (1, or
   FC_ODE_CHUNK for the joint integrator).  */
typedef struct
{
  size_t dim, n, group;
  double *x, *logdet;
  double t0, t1, hstart, epsabs, epsrel;
} fc_ode_adaptive_job;

/* A thread's solver for groups of M particles: the driver is rebuilt only
   when M changes (the last, shorter group of the joint integrator).  */
typedef struct
{
  fc_ode_particle p;
  gsl_odeiv2_system sys;
  gsl_odeiv2_driver *d;
  double *y;
} fc_ode_solver;

static int
fc_ode_solver_size (fc_ode_solver *s, const fc_ode_adaptive_job *job,
                    size_t m)
{
  if (s->d != NULL && s->p.m == m)
    return GSL_SUCCESS;
  if (s->d)
    gsl_odeiv2_driver_free (s->d);
  s->p.m = m;
  s->sys.dimension = m * (job->dim + (job->logdet != NULL));
  s->d = gsl_odeiv2_driver_alloc_y_new (&s->sys, gsl_odeiv2_step_rk8pd,
                                        job->hstart, job->epsabs,
                                        job->epsrel);
  return s->d != NULL ? GSL_SUCCESS : GSL_ENOMEM;
}

/* Particles I0 .. I0 + M as one system from T0 to T1.  */
static int
fc_ode_adaptive_group (const fc_ode_adaptive_job *job, fc_ode_solver *s,
                       size_t i0, size_t m, fc_ode_chunk_result *res)
{
  size_t dim = job->dim, md = m * dim;
  int status = fc_ode_solver_size (s, job, m);
  if (status)
    return status;
  memcpy (s->y, job->x + i0 * dim, md * sizeof (double));
  memset (s->y + md, 0, m * sizeof (double));
  s->p.status = GSL_SUCCESS;
  /* A fresh initial step for each group: the driver keeps the last step
     size otherwise, and results would depend on the order the groups were
     run in.  */
  gsl_odeiv2_driver_reset_hstart (s->d, job->hstart);
  double t = job->t0;
  status = gsl_odeiv2_driver_apply (s->d, &t, job->t1, s->y);
  if (status == GSL_EBADFUNC && s->p.status != GSL_SUCCESS)
    status = s->p.status;
  if (s->d->n > res->steps_max)
    res->steps_max = s->d->n;
  if (status != GSL_SUCCESS)
    return status;
  memcpy (job->x + i0 * dim, s->y, md * sizeof (double));
  for (size_t i = 0; job->logdet && i < m; i++)
    job->logdet[i0 + i] += s->y[md + i];
  return GSL_SUCCESS;
}

static void
fc_ode_adaptive_chunk (const fc_ode_adaptive_job *job, size_t c,
                       fc_ode_solver *s, fc_ode_chunk_result *res)
{
  size_t end = (c + 1) * FC_ODE_CHUNK;
  if (end > job->n)
    end = job->n;
  s->p.n_evals = 0;
  for (size_t i = c * FC_ODE_CHUNK; i < end && !res->status; i += job->group)
    res->status = fc_ode_adaptive_group (
        job, s, i, end - i < job->group ? end - i : job->group, res);
  res->n_evals = s->p.n_evals;
}

/* Run the chunks in parallel, one solver per thread.  */
static void
fc_ode_adaptive_run (const fc_ode_adaptive_job *job, fc_velocity_fn f,
                     void *params, size_t n_chunks, fc_ode_chunk_result *res)
{
#pragma omp parallel if (n_chunks > 1)
  {
    fc_ode_solver s = { { f, params, job->dim, 0, job->logdet != NULL, 0, 0,
                          NULL },
                        { fc_ode_particle_rhs, NULL, 0, NULL },
                        NULL,
                        NULL };
    s.sys.params = &s.p;
    size_t g = job->group;
    s.y = malloc (g * (job->dim + 1) * sizeof (double));
    s.p.div = malloc (g * sizeof (double));
    long c;
#pragma omp for schedule(static)
    for (c = 0; c < (long) n_chunks; c++)
      {
        if (s.y == NULL || s.p.div == NULL)
          res[c].status = GSL_ENOMEM;
        else
          fc_ode_adaptive_chunk (job, (size_t) c, &s, &res[c]);
      }
    free (s.y);
    free (s.p.div);
    if (s.d)
      gsl_odeiv2_driver_free (s.d);
  }
}

static int
fc_ode_adaptive_groups (fc_velocity_fn f, void *params, size_t dim, size_t n,
                        double *x, double *logdet, double t0, double t1,
                        double epsabs, double epsrel, size_t group,
                        fc_ode_stats *stats)
{
  if (dim == 0 || !isfinite (t0) || !isfinite (t1))
    GSL_ERROR ("dim must be positive and the limits finite", GSL_EDOM);
  if (!(epsabs >= 0.0) || !(epsrel >= 0.0) || !(epsabs + epsrel > 0.0))
    GSL_ERROR ("epsabs, epsrel must be >= 0, one of them > 0", GSL_EDOM);
  if (stats)
    stats->n_steps_max = stats->n_evals = 0;
  if (n == 0 || t0 == t1)
    return GSL_SUCCESS;
  size_t n_chunks = (n + FC_ODE_CHUNK - 1) / FC_ODE_CHUNK;
  fc_ode_chunk_result *res = calloc (n_chunks, sizeof *res);
  if (res == NULL)
    GSL_ERROR ("cannot allocate chunk results", GSL_ENOMEM);
  /* A first step of 1/100 of the interval, signed with the direction of
     integration (the driver infers the direction from it).  */
  fc_ode_adaptive_job job = { dim,    n,  group,           x,     logdet,
                              t0,     t1, (t1 - t0) / 100.0, epsabs, epsrel };
  fc_ode_adaptive_run (&job, f, params, n_chunks, res);
  int status = GSL_SUCCESS;
  /* Combined in chunk order: the first failing chunk holds the lowest
     failing particle.  */
  for (size_t c = 0; c < n_chunks; c++)
    {
      if (status == GSL_SUCCESS && res[c].status != GSL_SUCCESS)
        status = res[c].status;
      if (stats)
        {
          if (res[c].steps_max > stats->n_steps_max)
            stats->n_steps_max = res[c].steps_max;
          stats->n_evals += res[c].n_evals;
        }
    }
  free (res);
  return status;
}

int
fc_ode_adaptive (fc_velocity_fn f, void *params, size_t dim, size_t n,
                 double *x, double *logdet, double t0, double t1,
                 double epsabs, double epsrel, fc_ode_stats *stats)
{
  return fc_ode_adaptive_groups (f, params, dim, n, x, logdet, t0, t1, epsabs,
                                 epsrel, 1, stats);
}

int
fc_ode_adaptive_joint (fc_velocity_fn f, void *params, size_t dim, size_t n,
                       double *x, double *logdet, double t0, double t1,
                       double epsabs, double epsrel, fc_ode_stats *stats)
{
  return fc_ode_adaptive_groups (f, params, dim, n, x, logdet, t0, t1, epsabs,
                                 epsrel, FC_ODE_CHUNK, stats);
}
