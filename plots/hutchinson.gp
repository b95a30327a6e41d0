# plots/hutchinson.gp -- claim T4: Hutchinson's divergence estimator
# z^T J z at one point x ~ p_t of the exact field (8gaussians, linear
# schedule).  The spread (standard deviation over blocks of the probe
# sample) of the mean of k probes against k, for Gaussian and Rademacher
# probes (points), with the predicted sqrt(2 ||J_sym||_F^2 / k) and
# sqrt(2 (||J_sym||_F^2 - sum_i J_ii^2) / k) (lines).
# Data: RESULTS_DIR/hutchinson.dat (columns k sd_gauss pred_gauss sd_rad
# pred_rad), flowcheck run training --out.
# Usage: gnuplot -e "set terminal ..." -c plots/hutchinson.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/hutchinson.dat'
set output ARG2

set title "T4: Hutchinson's estimator z^T J z of div u_t(x): spread of the mean of k probes\n(points: measured over blocks of the probe sample; lines: the predicted variance over k)"
set logscale xy
set format y '10^{%L}'
set xlabel 'probes k'
set ylabel 'standard deviation of the k-probe mean'
set key top right
set xrange [0.8:400]
plot dat u 1:3 w l ls 1 t 'Gaussian, predicted sqrt(2 ||J_{sym}||_F^2 / k)', \
     ''  u 1:2 w p ls 1 pt 7 ps 1.5 t 'Gaussian, measured', \
     ''  u 1:5 w l ls 4 t 'Rademacher, predicted sqrt(2 (||J_{sym}||_F^2 - {/Symbol S} J_{ii}^2) / k)', \
     ''  u 1:4 w p ls 4 pt 5 ps 1.5 t 'Rademacher, measured'
