/* derivations/barycentric/barycentric.h -- what module `barycentric`
 * offers beyond its claims: the learned path of B6 and the two-block
 * schedule of B8 as studies another program can run at its own sizes, and
 * the writers of their data files (N §Albergo et al. 2023 "Optimisation of
 * path", §Chat 3/11/2023).
 *
 * experiments/learned-path runs them with more modes and iterations than
 * the module; the module's own figures (simplex-paths, path-cost,
 * block-schedule) are these writers applied to what B6 and B8 measured.
 *
 * A path problem (B6) is three marginals -- from (vertex 0), to (1) and a
 * helper (2) -- and a path alpha(t) through their simplex from e_0 to e_1
 * with sine modes per vertex (fc_simplex_path); its cost is
 * C = int_0^1 E||b||^2 dt >= W2^2(rho_0, rho_1) (Benamou-Brenier).  The
 * problems, in order: gauss1d (a wide helper), gauss2d, mixture2d (Monte
 * Carlo costs), gauss1d_narrow (a narrow helper, the counter-example).  */
#ifndef FC_BARYCENTRIC_H
#define FC_BARYCENTRIC_H

#include <stddef.h>
#include "fc_module.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FC_BARYCENTRIC_N_PATH_PROBLEMS 4
#define FC_BARYCENTRIC_N_VERTICES 3 /* from, to, helper */
#define FC_BARYCENTRIC_MAX_STARTS 4
#define FC_BARYCENTRIC_MAX_MODES 3
#define FC_BARYCENTRIC_MAX_PARAMS \
  (FC_BARYCENTRIC_N_VERTICES * FC_BARYCENTRIC_MAX_MODES)

/* The sizes of learning a path: modes per vertex, iteration budgets,
   starting amplitudes of the helper bump (0 = the straight path), Monte
   Carlo draws and Gauss-Legendre nodes in t for the mixture problem.  The
   module's choices and their reasons are in path_learning.c.  */
typedef struct
{
  size_t n_modes;
  size_t max_iter, n_starts;       /* Gaussian problems (closed form) */
  size_t max_iter_mc, n_starts_mc; /* the Monte Carlo problem */
  double start_amp[FC_BARYCENTRIC_MAX_STARTS];
  double start_amp_mc[FC_BARYCENTRIC_MAX_STARTS];
  size_t n_mc, n_nodes; /* draws and t nodes the path is fitted on */
  size_t n_eval;        /* independent draws the costs are measured on */
  size_t n_nodes_eval;  /* t nodes of the measurement and the judging */
} fc_barycentric_plan;

/* B6's own sizes (SIZE: FC_SIZE_FULL or FC_SIZE_QUICK).  */
const fc_barycentric_plan *
fc_barycentric_path_plan (fc_size size);

/* One learned path.  */
typedef struct
{
  const char *name;         /* the problem: "gauss1d", ... */
  int mc;                   /* 1: Monte Carlo costs */
  size_t n_modes;           /* of the path */
  double straight, learned; /* C(straight), C(learned) */
  double err_straight, err_learned; /* quadrature abserr or MC standard error */
  double diff, diff_err;    /* C(learned) - C(straight) and its band unit */
  double bound;             /* W2^2 or the Gelbrich bound */
  double end_error;         /* max |alpha(0) - e_i| + |alpha(1) - e_j| */
  double simplex_violation; /* max over t of the distance to the simplex */
  double theta[FC_BARYCENTRIC_MAX_PARAMS];
  size_t n_params;
  double straight_fit;      /* the objective at theta = 0 (fitting draws) */
  size_t n_fit, n_fit_nodes;   /* Monte Carlo: the fitting draws and t nodes */
  size_t n_eval, n_eval_nodes; /* Monte Carlo: the measuring draws, t nodes */
  double *trace;            /* best objective so far, all starts in turn */
  unsigned char *trace_start; /* the start each trace entry belongs to */
  size_t n_trace;
  double seconds;           /* CPU time of the learning */
} fc_barycentric_path;

/* Learn the path of problem PROBLEM (< FC_BARYCENTRIC_N_PATH_PROBLEMS)
   under PLAN, draws from sub-streams of opt->seed, into R (its trace
   allocated here: free it with fc_barycentric_path_free, whatever the
   status).  */
int
fc_barycentric_path_learn (const fc_run_options *opt, size_t problem,
                           const fc_barycentric_plan *plan,
                           fc_barycentric_path *r);

/* Free the trace of R (not R).  */
void
fc_barycentric_path_free (fc_barycentric_path *r);

/* The share of the gap C(straight) - bound the learned path closes; NAN
   when there is no gap.  */
double
fc_barycentric_gap_closed (const fc_barycentric_path *r);

/* A learned two-block schedule (B8): block times t_a = tau(s; a),
   t_b = tau(s; b) (fc_time_map_eval) from the noise N(0, I) to the
   two-block data with D_a = D_b = dim_block and correlated blocks.  */
typedef struct
{
  size_t dim_block, n_modes;
  double a[2 * FC_BARYCENTRIC_MAX_MODES]; /* tau's parameters: a, then b */
  double diagonal, learned;  /* costs of t_a = t_b = s and of the learned */
  double err;                /* the two quadratures' error bands, summed */
  double bound;              /* W2^2 from the noise to the data */
  double seconds;            /* CPU time of the learning */
} fc_barycentric_schedule;

/* Learn the schedule with N_MODES (<= FC_BARYCENTRIC_MAX_MODES) modes per
   block and MAX_ITER Nelder-Mead iterations into S.  */
int
fc_barycentric_schedule_learn (size_t dim_block, size_t n_modes,
                               size_t max_iter, fc_barycentric_schedule *s);

/* The data files, into opt->out_dir (fc_module_datafile, atomic):
   path-cost.dat from the FC_BARYCENTRIC_N_PATH_PROBLEMS paths in problem
   order (one index block each: the trace); simplex-paths.dat from the
   same (the gauss2d path and the straight one over a heat map of the cost
   integrand); block-schedule.dat from S with dim_block 1.  */
int
fc_barycentric_write_path_cost (const fc_run_options *opt,
                                const fc_barycentric_path *paths);
int
fc_barycentric_write_simplex_paths (const fc_run_options *opt,
                                    const fc_barycentric_path *paths);
int
fc_barycentric_write_block_schedule (const fc_run_options *opt,
                                     const fc_barycentric_schedule *s);

#ifdef __cplusplus
}
#endif
#endif /* FC_BARYCENTRIC_H */
