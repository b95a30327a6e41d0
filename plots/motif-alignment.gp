# plots/motif-alignment.gp -- claim M6: estimators of the motif likelihood
# p(y|x) = int N(y | Q M x, sigma^2 I) dQ (Q Haar on SO(3)) and of its
# gradient, against the exact reference, over the Monte Carlo size n.
# Columns: the smallest and the largest noise level sigma/rho of the run.
# Top: log p(y|x): |bias| of log p-hat (solid) and its standard deviation
# (dashed) for Haar Monte Carlo and IGSO(3) importance sampling around the
# Kabsch rotation, the point mass's |bias| (flat line), a 1/sqrt(n) guide.
# Bottom: the same for grad_x log p, relative to |grad_x log p|.
# Data: RESULTS_DIR/motif-alignment.dat (columns level sigma_over_rho n
# haar_log_bias haar_log_sd haar_grad_bias haar_grad_sd is_log_bias is_log_sd
# is_grad_bias is_grad_sd pm_log_bias pm_grad_bias), flowcheck run manifold
# --out.
# Usage: gnuplot -e "set terminal ..." -c plots/motif-alignment.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/motif-alignment.dat'
set output ARG2

stats dat u 1:3 nooutput
lmax = STATS_max_x
nmin = STATS_min_y
nmax = STATS_max_y

# sel(l, v): v on the rows of level l, NaN elsewhere.
sel(l, v) = (int($1) == l ? v : NaN)

set multiplot layout 2,2 title "M6: motif likelihood p(y|x) = ∫ N(y | Q M x, σ^2 I) dQ over Haar: bias and standard deviation over repetitions vs Monte Carlo size n\n(solid: |bias|, dashed: standard deviation; Haar Monte Carlo, IGSO(3) importance sampling around the Kabsch rotation Q*, point mass at Q*)\n"
set logscale xy
set format y '10^{%L}'
set xrange [nmin / 1.5 : nmax * 1.5]
set xlabel 'Monte Carlo size n'
set key outside right top vertical font ',8' samplen 3 width -2

do for [row = 0:1] {
  do for [l in sprintf('0 %d', lmax)] {
    L = int(l)
    stats dat u (int($1) == L ? $2 : NaN) nooutput
    srel = STATS_max
    # the IS standard deviation at the smallest n sets the guide
    stats dat u (int($1) == L && $3 == nmin ? column(row ? 11 : 9) : NaN) nooutput
    g0 = STATS_max * sqrt(nmin)
    cb = row ? 6 : 4
    what = row ? 'grad_x log p (relative to |grad|)' : 'log p(y|x) (nats)'
    set title sprintf('%s, σ/ρ = %g', what, srel)
    set ylabel row ? 'relative error' : 'error (nats)'
    plot dat u (sel(L, $3)):(abs(column(cb))) w lp ls 8 t 'Haar |bias|', \
         ''  u (sel(L, $3)):(column(cb + 1)) w lp ls 8 dt 2 t 'Haar sd', \
         ''  u (sel(L, $3)):(abs(column(cb + 4))) w lp ls 1 t 'IGSO(3) IS |bias|', \
         ''  u (sel(L, $3)):(column(cb + 5)) w lp ls 1 dt 2 t 'IGSO(3) IS sd', \
         ''  u (sel(L, $3)):(column(row ? 13 : 12)) w l ls 4 lw 3 t 'point mass |bias|', \
         g0 / sqrt(x) w l ls 9 t '1/sqrt(n)'
  }
}
unset multiplot
