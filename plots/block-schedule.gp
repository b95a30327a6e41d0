# plots/block-schedule.gp -- claim B8: the learned two-block schedule
# (t_a(s), t_b(s)) against the diagonal t_a = t_b = s, in the unit square of
# block times.  Data: RESULTS_DIR/block-schedule.dat (columns s t_a t_b
# diagonal; the header line carries the problem and the costs).
# Usage: gnuplot -e "set terminal ..." -c plots/block-schedule.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/block-schedule.dat'
set output ARG2

# The header line as three title lines: block a, block b, the costs.
info = system("sed -n 3p '".dat."' | sed 's/^# //; s/, x1^b/,\\nx1^b/; s/; /\\n/'")
set title "B8: block schedule from noise (0, 0) to data (1, 1)\n".info noenhanced
set size ratio -1
set xrange [0:1]
set yrange [0:1]
set xlabel 'block time t_a (block a: far, narrow data)'
set ylabel 'block time t_b (block b: near, wide data)'
set key bottom right

plot dat u 4:4 w l ls 9 t 'diagonal schedule t_a = t_b = s', \
     dat u 2:3 w l ls 8 t 'learned (t_a(s), t_b(s)): two monotone time maps', \
     dat every 10 u 2:3 w p ls 8 pt 7 t 'learned, every 0.1 in s'
