# plots/cfm-table.gp -- experiments/train-cfm --table: W2 (left) and NPE
# (right, log scale) after Euler with 100 steps, per problem (groups) and
# method (colours), mean over seeds with +-1 standard deviation bars; the
# exact-field rows (no network) beside the trained ones; a grey bar across
# each group marks the two-sample floor of W2 (two fresh target samples of
# the same size); published values (Tong et al., TMLR 2024), where the
# table file records any, as black crosses.  The budget (training steps
# per run) is read from the file's header and shown in the title.
# Data: RESULTS_DIR/cfm-table.tsv (tab-separated; columns problem method
# problem_index method_index n_seeds w2_euler sd npe_euler sd w2_adaptive
# sd npe_adaptive sd s_per_step sd w2_floor sd published_w2 published_npe),
# written by experiments/train-cfm --table --out RESULTS_DIR.
# Usage: gnuplot -e "set terminal ..." -c plots/cfm-table.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/cfm-table.tsv'
set output ARG2
set datafile separator "\t"
budget = system("grep -m1 'training steps' '".dat."' | sed 's/^# //'")

# x position: 6 slots per problem, one per method (icfm otcfm fm exact
# exact-fm), one gap.
xpos(p, m) = 6 * p + m
names = "icfm otcfm fm exact exact-fm"
set xtics ("N->\n8gaussians" 2, "moons->\n8gaussians" 8, "N->\nmoons" 14, \
           "N->\nscurve" 20) nomirror
# One colour per method, distinct in print (icfm otcfm fm exact exact-fm).
colours = "#1f77b4 #d62728 #ff7f0e #2ca02c #9467bd"
mc(m) = word(colours, m + 1)
set xrange [-1:24]
set bmargin 5
set grid ytics

set multiplot layout 1,2 title "train-cfm: Tong et al.'s 2-D problems, mean +- sd over seeds, Euler 100 steps\n".budget

set title 'W2 (exact assignment, generated vs fresh target points)'
set ylabel 'W2'
set yrange [0:*]
set key top right font ',9'
plot for [m = 0:4] dat u (column(4) == m ? xpos(column(3), m) : NaN):6:7 \
       w yerrorbars lc rgb mc(m) lw 1.5 pt 7 t word(names, m + 1), \
     dat u (column(4) == 3 ? xpos(column(3), 2) : NaN):16:(2.6) \
       w xerrorbars lc rgb '#888888' pt -1 lw 2 t 'two-sample floor', \
     dat u (xpos(column(3), column(4))):18 w p lc rgb 'black' pt 2 ps 2 \
       t 'published (where recorded)'

set title 'NPE = |path energy - W2^2(source, target)| / W2^2(source, target)'
set ylabel 'NPE'
set logscale y
set format y '10^{%L}'
set yrange [*:*]
set key top left font ',9'
plot for [m = 0:4] dat u (column(4) == m ? xpos(column(3), m) : NaN):8:\
       (column(8) > column(9) ? column(8) - column(9) : column(8) / 10):\
       (column(8) + column(9)) \
       w yerrorbars lc rgb mc(m) lw 1.5 pt 7 t word(names, m + 1), \
     dat u (xpos(column(3), column(4))):19 w p lc rgb 'black' pt 2 ps 2 \
       t 'published (where recorded)'
unset multiplot
