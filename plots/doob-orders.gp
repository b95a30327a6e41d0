# plots/doob-orders.gp -- claim H3: Euler-Maruyama on the bridge (drift
# singular at T, evaluated at left ends only).  Weak error (second moment at
# T/2, coupled paths; and the scheme's exact moment recursion against the
# exact bridge), strong error at T/2 against a fine-step reference on the
# same Brownian paths, and the endpoint error |X_h(T) - x_T| of plain
# Euler-Maruyama and with a deterministic last step, against the step h;
# left Brownian motion, right Ornstein-Uhlenbeck (D = 2).  Fitted log-log
# slopes in the key; grey guides of slopes 1/2, 1 and 2.
# Data: RESULTS_DIR/doob-orders.dat (flowcheck run doob --out); columns h
# steps weak_bm strong_bm endpoint_bm endpoint_det_bm weak_ou strong_ou
# endpoint_ou endpoint_det_ou weak_exact_bm weak_exact_ou.
# Usage: gnuplot -e "set terminal ..." -c plots/doob-orders.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/doob-orders.dat'
set output ARG2

# The fitted slope of each column against h (least squares on the logs).
do for [c = 3:12] {
  stats dat u (log($1)):(log(column(c))) nooutput
  eval sprintf('s%d = STATS_slope', c)
}
stats dat u 6 nooutput
det_bm = STATS_max
stats dat u 1 nooutput
hmin = STATS_min
hmax = STATS_max

set logscale xy
set format x '%g'
set format y '10^{%L}'
set xlabel 'step h'
set ylabel 'error'
set xrange [hmin / 1.3 : hmax * 1.3]
set key bottom right font ',9' spacing 1.1

# The setting, from the data file's header.
setting = system(sprintf("sed -n 's/^# setting: //p' '%s' | head -1", dat))

set multiplot layout 1,2 title "H3: Euler-Maruyama on the Brownian and Ornstein-Uhlenbeck bridges: weak and strong error at T/2, endpoint error at T\n".setting
# Guides anchored at h_max a factor 2 above the curves they follow.
stats dat u 1:4 nooutput
g1 = 2.0 * STATS_max_y / hmax
stats dat u 1:5 nooutput
gh = 2.0 * STATS_max_y / sqrt (hmax)

set title 'Brownian-motion bridge'
set label 1 sprintf("deterministic last step:\nmax |X_h(T) - x_T| = %.1g (round-off)", det_bm) at graph 0.04, 0.93 font ',9'
plot dat u 1:3 w lp ls 1 t sprintf('weak, coupled paths (slope %.2f)', s3), \
     ''  u 1:11 w p ls 3 t sprintf('weak, exact recursion (slope %.2f)', s11), \
     ''  u 1:4 w lp ls 4 t sprintf('strong at T/2 (slope %.2f)', s4), \
     ''  u 1:5 w lp ls 6 t sprintf('endpoint, plain EM (slope %.2f)', s5), \
     g1 * x w l ls 9 t 'slope 1', \
     gh * sqrt (x) w l ls 9 dt 3 t 'slope 1/2'
unset label 1

stats dat u 1:10 nooutput
g2 = 2.0 * STATS_max_y / hmax**2
set title 'Ornstein-Uhlenbeck bridge'
# The key above the curves (the deterministic last step's errors reach the
# bottom right corner): room made at the top.
set key top left
set offsets 0, 0, graph 0.3, 0
plot dat u 1:7 w lp ls 1 t sprintf('weak, coupled paths (slope %.2f)', s7), \
     ''  u 1:12 w p ls 3 t sprintf('weak, exact recursion (slope %.2f)', s12), \
     ''  u 1:8 w lp ls 4 t sprintf('strong at T/2 (slope %.2f)', s8), \
     ''  u 1:9 w lp ls 6 t sprintf('endpoint, plain EM (slope %.2f)', s9), \
     ''  u 1:10 w lp ls 8 t sprintf('endpoint, deterministic last step (slope %.2f)', s10), \
     g1 * x w l ls 9 t 'slope 1', \
     gh * sqrt (x) w l ls 9 dt 3 t 'slope 1/2', \
     g2 * x**2 w l ls 9 dt 4 t 'slope 2'
unset multiplot
