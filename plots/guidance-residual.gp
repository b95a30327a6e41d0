# plots/guidance-residual.gp -- claims S6, G1, G2: relative residual of the
# equations of the posterior path against the finite-difference step h, in
# the reference case of G1 and G2 (8gaussians, m = 1, linear schedule).
# Data: RESULTS_DIR/guidance-residual.dat (flowcheck run guidance --out).
# Usage: gnuplot -e "set terminal ..." -c plots/guidance-residual.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/guidance-residual.dat'
set output ARG2

set title "Posterior path p_t(x|y): which fields and equations hold (claims G1, G2; S6)\n".\
  "reference case: 8gaussians (D = 2) observed by one row, y = A x_1 + N(0, 0.25^2), linear schedule;\n".\
  "points of p_t(x|y) at t = 0.25, 0.5, 0.8 (400 per time; 64 at --quick);\n".\
  "the checks also run gmm3d (D = 3, m = 2) and the cosine and vp schedules (verdicts.tsv)" noenhanced
set logscale xy
set xlabel 'finite-difference step h (in t and in x)'
set ylabel 'relative residual rel(h) = rms R_h / rms {/Symbol \266}_t p  (G2: {/Symbol \266}_t h)'
set format x '%g'
set xtics (0.0025, 0.005, 0.01, 0.02, 0.04)
set mxtics 1
set format y '10^{%L}'
set xrange [0.002:0.05]
set yrange [5e-5:30]
set key outside right center

# Slope-2 guide anchored a factor 3 below the S6 curve at h_max.
stats dat u 1:2 nooutput
a = STATS_max_y / (3.0 * STATS_max_x**2)
guide(h) = a * h**2

plot dat u 1:2 w lp ls 4 t 'S6 exact guidance u_t + c_t ∇log p_t(y|x)', \
     ''  u 1:6 w lp ls 1 t 'G2 corrected equation for h = p_t(y|x)', \
     ''  u 1:5 w lp ls 6 t "G2 note's equation {/Symbol \266}_t h = -div(h u_t)", \
     ''  u 1:3 w lp ls 8 t 'G1 postulate u_t + ∇log p(y|x), c = 1', \
     ''  u 1:4 w lp ls 7 t 'G1 postulate, best c(t)', \
     guide(x) w l ls 9 t 'slope 2 (h^2)'
