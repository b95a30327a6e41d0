# plots/training-budget.gp -- claim T2: left, the relative L2(p_t) error of
# the learned field against the exact one against the training budget
# (log-log): pooled over t = 1/4, 1/2, 3/4 with its standard error, and per
# t; right, the exact W2 between the network's ODE samples and fresh data
# against the budget, with the two-sample floor (W2 between two data
# samples of the same size: mean and +- 1 sd band).
# Data: RESULTS_DIR/training-budget.dat (columns steps err err_se err_t1
# err_t2 err_t3 w2 w2_floor w2_floor_sd), flowcheck run training --out.
# Usage: gnuplot -e "set terminal ..." -c plots/training-budget.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/training-budget.dat'
set output ARG2
stats dat u (log($1)):(log($2)) nooutput
slope = STATS_slope

set multiplot layout 1,2 title "T2: flow-matching training (regress on (x_1 - x_t)/(1 - t)) on 8gaussians, against the exact field\n"
set logscale xy
set xlabel 'training steps'
set xrange [70:6000]
set yrange [0.05:3]
set title sprintf('relative L2(p_t) error of the learned field (pooled slope %.3f)', slope)
set ylabel '||v_{/Symbol q} - u_t||_{L2(p_t)} / ||u_t||_{L2(p_t)}'
set key top right font ',9'
plot dat u 1:2:3 w yerrorlines ls 8 t 'pooled over t (+- 1 s.e.)', \
     ''  u 1:4 w lp ls 1 t 't = 1/4', \
     ''  u 1:5 w lp ls 4 t 't = 1/2', \
     ''  u 1:6 w lp ls 6 t 't = 3/4'

set title 'W2 of the ODE samples (RK4) to fresh data'
set ylabel 'W2'
unset logscale y
set yrange [0:*]
set yrange [0:*]
plot dat u 1:($8 - $9):($8 + $9) w filledcurves lc rgb '#d9d9d9' t 'two-sample floor +- 1 sd', \
     ''  u 1:8 w l ls 9 t 'two-sample floor', \
     ''  u 1:7 w lp ls 8 t 'trained network'
unset multiplot
