# plots/so3-marginal.gp -- claim M7: the exact marginal path on SO(3) from
# Haar noise to three weighted rotations along x_t = exp_{x1}(kappa
# log_{x1}(x0)), kappa = 1 - t.  Top left: the conditional density
# p_t(x|x1) w.r.t. Haar against w = d(x, x1) at t = 0.2, 0.5, 0.8 (lines,
# log scale; the vertical drop at w = kappa pi is the jump to 0), with the
# histograms of sampled angles (points, +- one standard error).  Top right:
# the continuity residual rel(h) of the marginal field against the step
# (log-log) with an order-2 guide.  Bottom left: across the sphere
# d(x, x1_0) = kappa pi at t = 0.5, the differences of the field and of the
# density at offsets +- delta: flat (a jump), where a continuous field
# would fall with slope 1.  Bottom right: the fraction of geodesic Euler
# paths that step out of every ball (the field is undefined there)
# against the step.
# Data: RESULTS_DIR/so3-marginal-density.dat (blocks per t: w p_claimed),
# so3-marginal-hist.dat (blocks per t: w_centre p_hist p_hist_se) and
# so3-marginal-orders.dat (block 0: h_linear rel_linear h_exp5 rel_exp5;
# block 1: delta field_diff density_diff; block 2: h lost_fraction),
# flowcheck run manifold --out.
# Usage: gnuplot -e "set terminal ..." -c plots/so3-marginal.gp RESULTS_DIR OUTPUT
load 'common.gp'
den = ARG1.'/so3-marginal-density.dat'
his = ARG1.'/so3-marginal-hist.dat'
ord = ARG1.'/so3-marginal-orders.dat'
set output ARG2

# The fitted slopes of the residuals and of the lost fraction.
stats ord index 0 u (log($1)):(log($2)) nooutput
s_lin = STATS_slope
stats ord index 0 u (log($3)):(log($4)) nooutput
s_exp = STATS_slope
stats ord index 0 u 1:2 nooutput
r_h = STATS_max_x
r_y = STATS_max_y
stats ord index 2 u (log($1)):(log($2)) nooutput
s_lost = STATS_slope
stats ord index 2 u 1:2 nooutput
l_h = STATS_max_x
l_y = STATS_max_y
stats ord index 0 u 3:4 nooutput
r_hmin = STATS_min_x
stats ord index 1 u 1:2 nooutput
d_min = STATS_min_x
d_max = STATS_max_x
f_max = STATS_max_y
do for [j = 0:2] {
  stats ord index 3 every ::j::j u 2 nooutput
  eval sprintf('fr%d = STATS_max', j)
  stats ord index 3 every ::j::j u 3 nooutput
  eval sprintf('wt%d = STATS_max', j)
}

ymin = 0.3
tlabel(q) = sprintf('t = %.1f (kappa = %.1f)', 0.2 + 0.3 * q, 0.8 - 0.3 * q)

set multiplot layout 2,2 title "M7: Haar noise to 3 rotations (weights 0.5, 0.3, 0.2), kappa = 1 - t: the density jumps on d = kappa pi, the marginal field is not C1 there\n"

set title 'p_t(x|x1) = (1 - cos(w/kappa)) / (kappa (1 - cos w)), 0 beyond kappa pi'
set xlabel 'w = d(x, x1)'
set ylabel 'density w.r.t. Haar'
set logscale y
set format y '%g'
set xrange [0:pi]
set yrange [ymin:300]
set key top right font ',9'
plot for [q=0:2] den index q u 1:2 w l ls (2 * q + 2) t 'claimed, '.tlabel(q), \
     for [q=0:2] den index q every ::118::118 u 1:2:(0):(ymin - $2) w vectors nohead ls (2 * q + 2) notitle, \
     for [q=0:2] his index q u 1:2:3 w yerrorbars ls (2 * q + 2) lw 1 pt 6 ps 0.5 t 'samples, '.tlabel(q)

set title 'continuity residual dp/dt + div(p u), central differences'
set xlabel 'step h (in t and along x exp(h e_k))'
set ylabel 'rel(h) = rms residual / rms dp/dt'
set logscale xy
set format x '10^{%L}'
set format y '10^{%L}'
set xrange [r_hmin / 1.5 : r_h * 1.5]
set autoscale y
set key bottom right font ',9'
plot ord index 0 u 1:2 w lp ls 2 t sprintf('kappa = 1 - t (slope %.3f)', s_lin), \
     ''  index 0 u 3:4 w lp ls 6 t sprintf('kappa = exp(-5 t) (slope %.3f)', s_exp), \
     0.3 * r_y * (x / r_h)**2 w l ls 9 t 'slope 2'

set title 'across d(x, x1_0) = kappa pi at t = 0.5 (x in the ball of x1_1)'
set xlabel 'offset delta from the sphere'
set ylabel 'difference inside - outside'
set xrange [d_min / 2 : d_max * 2]
set yrange [*:10]
set key bottom right font ',9'
plot ord index 1 u 1:2 w lp ls 8 t '|u(in) - u(out)| (body vector)', \
     ''  index 1 u 1:3 w lp ls 4 t 'p(in) - p(out)', \
     f_max * x / d_max w l ls 9 t 'slope 1: a continuous field'

set title sprintf("geodesic Euler from Haar: paths leaving every ball\nend points nearest x1_j: %.4f, %.4f, %.4f (weights %.1f, %.1f, %.1f)", fr0, fr1, fr2, wt0, wt1, wt2)
set xlabel 'step h'
set ylabel 'fraction of paths'
set xrange [l_h / 6 : l_h * 1.5]
set yrange [l_y / 10 : l_y * 2]
set xtics ()
set ytics 2
set format y '%.4f'
do for [l = 0:2] {
  stats ord index 2 every ::l::l u 1 nooutput
  eval sprintf("set xtics add ('1/%.0f' %.17g)", 1.0 / STATS_max, STATS_max)
}
set key bottom right font ',9'
plot ord index 2 u 1:2 w lp ls 1 t sprintf('lost fraction (slope %.2f)', s_lost), \
     0.5 * l_y * x / l_h w l ls 9 t 'slope 1'
unset multiplot
