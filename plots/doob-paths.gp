# plots/doob-paths.gp -- claim H2: bridge paths tend to the deterministic
# bridge as sigma -> 0 (N §Doob's h-transform).  Euler-Maruyama paths of the
# h-transformed SDE dX = (f + sigma^2 d/dx log h) dt + sigma dB in 1-D, three
# Brownian paths scaled by sigma in {1, 0.3, 0.1}, over the sigma = 0 limit
# (the exact deterministic bridge xbar); top row Brownian motion (f = 0,
# drift (x_T - x)/(T - t)), bottom row Ornstein-Uhlenbeck (f = -theta x).
# Data: RESULTS_DIR/doob-paths.dat (flowcheck run doob --out): index 0 BM,
# index 1 OU; columns t xbar s1_p1 s1_p2 s1_p3 s0.3_p1 .. s0.1_p3.
# Usage: gnuplot -e "set terminal ..." -c plots/doob-paths.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/doob-paths.dat'
set output ARG2

sigmas = "1 0.3 0.1"
kinds = "Brownian-motion Ornstein-Uhlenbeck"
set xlabel 't'
set ylabel 'X_t'
set xrange [0:1]
set key font ',9' samplen 1.5

# The setting, from the data file's header.
setting = system(sprintf("sed -n 's/^# setting: //p' '%s' | head -1", dat))

set multiplot layout 2,3 title "H2: bridge paths for {/Symbol s} = 1, 0.3, 0.1 (the same Brownian paths, scaled) over the {/Symbol s} = 0 limit, the deterministic bridge\n".setting
do for [k = 0:1] {
  # The key where the paths are not: above the rising BM bridge's start,
  # above the falling OU bridge's end.
  if (k == 0) { set key top left } else { set key top right }
  # One y range per row: the widest (sigma = 1) panel decides.
  set yrange [*:*]
  stats dat index k u 3:5 nooutput
  lo = STATS_min_x < STATS_min_y ? STATS_min_x : STATS_min_y
  hi = STATS_max_x > STATS_max_y ? STATS_max_x : STATS_max_y
  stats dat index k u 4 nooutput
  lo = STATS_min < lo ? STATS_min : lo
  hi = STATS_max > hi ? STATS_max : hi
  set yrange [lo - 0.1 * (hi - lo) : hi + 0.25 * (hi - lo)]
  do for [j = 1:3] {
    c = 3 * j
    set title sprintf('%s bridge, {/Symbol s} = %s', word(kinds, k + 1), word(sigmas, j))
    plot dat index k u 1:(column(c)) w l ls 1 lw 1.2 t 'paths', \
         ''  index k u 1:(column(c + 1)) w l ls 2 lw 1.2 notitle, \
         ''  index k u 1:(column(c + 2)) w l ls 3 lw 1.2 notitle, \
         ''  index k u 1:2 w l ls 10 lw 2.5 t 'deterministic bridge ({/Symbol s} = 0)'
  }
}
unset multiplot
