# plots/so3-multimarginal-gap.gp -- claim M8: the note's approximation of
# the conditional velocity of the multimarginal interpolant x(alpha) =
# exp_{x0}(sum_k alpha_k log_{x0}(x_k)) on SO(3).  Left: the gap |L - R|
# between the two sides of its "inequality", L = sum_k alpha_k'
# E[log_{x0}(x_k) | x] and R = sum_k alpha_k' log_{x0}(E[x_k | x])
# (E[x_k | x] projected to SO(3)), against the conditional spread of w_1 =
# log_{x0}(x_1) given x (log-log), beside the guide spread^2: the gap is
# second order in the spread and vanishes when x_k is a function of x.
# Right: the error of the note's velocity against the exact E[d/dt I | x],
# against the gap, beside the guide error = gap.
# Data: RESULTS_DIR/so3-mm-gap.dat (flowcheck run manifold --out); columns
# path t spread gap velocity_err.
# Usage: gnuplot -e "set terminal ..." -c plots/so3-multimarginal-gap.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/so3-mm-gap.dat'
set output ARG2

setting = system(sprintf("sed -n 's/^# setting: //p' '%s' | head -1", dat))
smin = 1e-4
nlow = int(system(sprintf("awk '!/^#/ && $3 <= %g {n++} END {print n+0}' '%s'", smin, dat)))
ntot = int(system(sprintf("awk '!/^#/ {n++} END {print n+0}' '%s'", dat)))

set multiplot layout 1,2 title "M8: the note's approximation of E[d/dt I | x(alpha) = x] on SO(3) is second order in the conditional spread of x_k\n".setting font ',11'
set logscale xy
set format x '10^{%L}'
set format y '10^{%L}'
set key top left font ',10'

set title sprintf("gap |L - R| of the note's \"inequality\" (%d of %d samples with spread < 10^{-4} not shown)", nlow, ntot) font ',10'
set xlabel 'conditional spread  (E[|w_1 - E[w_1|x]|^2 | x])^{1/2}'
set ylabel '|L - R|'
set xrange [smin:3]
set yrange [1e-10:10]
plot dat u ($1 == 0 && $3 > smin ? $3 : NaN):4 w p ls 1 ps 0.5 t 'straight path (t/2, t/2), t = 1/4, 1/2, 3/4', \
     ''  u ($1 == 1 && $3 > smin ? $3 : NaN):4 w p ls 6 ps 0.5 t 'bent path (t(1+t)/2, t(1-t)/2)', \
     x**2 w l ls 9 t 'spread^2'

set title "error of the note's velocity against the exact one" font ',10'
set xlabel '|L - R|'
set ylabel '||E[d/dt I | x] - note||_F / √2'
set xrange [1e-10:10]
set yrange [1e-10:10]
plot dat u ($3 > smin ? $4 : NaN):5 w p ls 1 ps 0.5 t 'samples of x (both paths)', \
     x w l ls 9 t 'error = gap'
unset multiplot
