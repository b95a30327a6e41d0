# plots/so3-means.gp -- claim M4: the minimisers of the two rotation losses
# over a spread of r1.  E ||log_{r_t}(r1hat) - log_{r_t}(r1)||^2 is
# minimised at the tangent mean exp_{r_t}(E log_{r_t}(r1)), E d(r1hat, r1)^2
# at the Frechet mean; their geodesic distance (points) against the spread
# s (log-log), one colour per t, with the leading-order law
# |(tr Sigma - Sigma) log_M(r_t)|/12 (lines; ~ s^2 d(r_t, mu)/6 for IGSO(3)).
# Left: r1 ~ IGSO(3) of scale s around mu (empirical law of the draws);
# right: r1 = mu exp(-+ s e) with weights 1/2.  r_t = exp_mu((1-t)
# log_mu(r0)), d(r0, mu) = 1: the distance vanishes with the spread and
# shrinks as r_t approaches the mean.
# Data: RESULTS_DIR/so3-means.dat (flowcheck run manifold --out); index 0
# IGSO(3), index 1 mixture; columns s d_t0 law_t0 d_t0.3 law_t0.3 d_t0.6
# law_t0.6 d_t0.9 law_t0.9.
# Usage: gnuplot -e "set terminal ..." -c plots/so3-means.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/so3-means.dat'
set output ARG2

draws = system(sprintf("sed -n 's/^# setting: .*index 0: \\([0-9]*\\) IGSO.*/\\1/p' '%s' | head -1", dat))

array T[4] = ['0', '0.3', '0.6', '0.9']
array LS[4] = [1, 3, 4, 6]

set multiplot layout 1,2 title "M4: the tangent loss and the geodesic loss share the minimiser r1 pointwise, but over a spread of r1 their minimisers differ\n(points: d(tangent mean at r_t, Frechet mean); lines: the leading-order law |(tr Sigma - Sigma) log_M(r_t)|/12; d(r_t, mu) = 1 - t)"
set logscale xy
set format y '10^{%L}'
set xlabel 'spread s'
set ylabel 'd(tangent mean, Frechet mean)'
set xrange [0.04:0.5]
set xtics ('0.05' 0.05, '0.1' 0.1, '0.2' 0.2, '0.4' 0.4)
set yrange [1e-5:0.1]
set key top left font ',9'

do for [f = 0:1] {
  if (f == 0) { set title sprintf('r1 drawn from IGSO(3) of scale s around mu (%s draws)', draws) } \
  else { set title 'r1 = mu exp(-s e) or mu exp(+s e), weights 1/2' }
  plot for [k = 1:4] dat index f u 1:(column(2 * k)) w p ls LS[k] \
         t sprintf('t = %s', T[k]), \
       for [k = 1:4] dat index f u 1:(column(2 * k + 1)) w l ls LS[k] notitle, \
       NaN w l ls 10 t 'lines: leading-order law'
}
unset multiplot
