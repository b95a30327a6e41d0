# plots/training-field.gp -- claim T2: the field learned by the
# flow-matching training algorithm (a network, after its largest budget)
# against the exact marginal field u_t of the same path (8gaussians, linear
# schedule), at t = 1/4, 1/2, 3/4: arrows on a grid, exact in grey, learned
# in red, both scaled by the same factor.
# Data: RESULTS_DIR/training-field.dat (columns x y, then per time
# learned_u learned_v exact_u exact_v), flowcheck run training --out.
# Usage: gnuplot -e "set terminal ..." -c plots/training-field.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/training-field.dat'
set output ARG2
sc = 0.15
times = "0.25 0.50 0.75"

set multiplot layout 1,3 title "T2: the learned field v_{/Symbol q}(x, t) (red) against the exact marginal field u_t(x) (grey)\n8gaussians, linear path, network after its largest training budget; arrows scaled by 0.15\n"
set size ratio -1
set xrange [-4.3:4.3]
set yrange [-4.3:4.3]
set xlabel 'x_1'
unset key  # the title names the colours
do for [a = 0:2] {
  set title 't = '.word(times, a + 1)
  if (a == 0) { set ylabel 'x_2' } else { unset ylabel }
  c = 3 + 4 * a
  plot dat u 1:2:(sc * column(c + 2)):(sc * column(c + 3)) w vectors head size 0.06,15 filled lc rgb 'gray55' lw 1.5 t 'exact u_t', \
       ''  u 1:2:(sc * column(c)):(sc * column(c + 1)) w vectors head size 0.06,15 filled lc rgb '#cb181d' lw 1 t 'learned'
}
unset multiplot
