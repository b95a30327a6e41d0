# plots/vector-field.gp -- the marginal path of 8gaussians (linear schedule):
# density p_t as a heat map and the direction of the marginal field u_t as
# arrows of one length (unit vectors u_t/|u_t|, scaled to 0.8 grid
# spacings: direction only, the figure says so), at t = 0.1, 0.5, 0.9
# (claim C2's field, N §marginal vf).
# Data: RESULTS_DIR/vector-field-density.dat and vector-field-arrows.dat,
# one index block per t.  Each panel shows p_t divided by its own maximum
# (the peak density changes by a factor ~2 between panels), so one colour
# bar serves all three.
# Usage: gnuplot -e "set terminal ..." -c plots/vector-field.gp RESULTS_DIR OUTPUT
load 'common.gp'
dens = ARG1.'/vector-field-density.dat'
arrows = ARG1.'/vector-field-arrows.dat'
set output ARG2

unset grid
unset key
set size ratio -1
set xlabel 'x_1'
set ylabel 'x_2'
set cbrange [0:1]
set cblabel 'p_t(x) / max_x p_t(x)'
set style arrow 1 head filled size screen 0.006,25 lc rgb '#ffffff' lw 1.1
stats dens index 0 u 2 nooutput
lo = STATS_min
hi = STATS_max
set xrange [lo:hi]
set yrange [lo:hi]
array pmax[3]
do for [k = 0:2] {
  stats dens index k u 4 nooutput
  pmax[k + 1] = STATS_max
}

# Square panels side by side fill a band of the 3:2 page; the title sits
# just above that band rather than at the top of the page.
set multiplot layout 1,3 margins 0.05,0.92,0.27,0.71 spacing 0.05
set label 1 "Marginal path of 8gaussians (linear schedule): density p_t, arrows along u_t" \
    at screen 0.5, 0.8 center font ',13' noenhanced
set label 2 "arrows show the direction of u_t only: all have the same length (unit vectors u_t/|u_t|, drawn at 0.8 grid spacings); the speed |u_t| is not shown;\na dot, no arrow: u_t = 0 to rounding (a stagnation point: the origin, by the symmetry of the 8 modes)" \
    at screen 0.5, 0.15 center font ',11' noenhanced
do for [k = 0:2] {
  tk = k == 0 ? 0.1 : (k == 1 ? 0.5 : 0.9)
  set title sprintf('t = %.1f  (max p_t = %.3g)', tk, pmax[k + 1])
  if (k < 2) { unset colorbox } else { set colorbox }
  if (k > 0) { unset ylabel; set format y '' }
  # A row with (dx, dy) = (0, 0) is a stagnation point: a dot, no arrow.
  plot dens index k u 2:3:($4 / pmax[k + 1]) w image, \
       arrows index k u ($4 == 0 && $5 == 0 ? NaN : $2):3:4:5 w vectors as 1, \
       arrows index k u ($4 == 0 && $5 == 0 ? $2 : NaN):3 w points pt 7 ps 0.6 lc rgb 'white' notitle
  unset label 1
  unset label 2
}
unset multiplot
