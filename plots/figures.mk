# plots/figures.mk -- `make figures`: run every claim, then draw every figure.
#
# `flowcheck run --out results` runs every claim of every module (printing
# the verdict table; it fails when a verdict differs from its expectation)
# and writes the figure data into results/; `flowcheck run --controls`
# then runs every claim's controls (it fails when a control does not come
# out as its claim table declares) and writes results/controls.tsv.  Each plots/NAME.gp is called as
#   gnuplot -e "<terminal>" -c plots/NAME.gp RESULTS_DIR OUTPUT
# and draws figures/NAME.png and figures/NAME.pdf.  Outputs go to a temporary
# name first, so an interrupted run never leaves a torn figure.

FIGURE_NAMES = continuity-order vector-field trajectories \
	score-sde-marginals guidance-residual guided-samples guidance-gamma \
	doob-paths doob-double-well doob-orders so3-sign so3-schedules \
	so3-means motif-alignment so3-marginal so3-multimarginal-gap \
	simplex-paths block-schedule path-cost \
	steps-to-accuracy hutchinson training-field training-budget
FIGURES = $(FIGURE_NAMES:%=figures/%.png) $(FIGURE_NAMES:%=figures/%.pdf)
dist_noinst_DATA = plots/common.gp $(FIGURE_NAMES:%=plots/%.gp)
# Drawn from experiments/train-cfm --table, not by `make figures` (README).
dist_noinst_DATA += plots/cfm-table.gp

GP_PNG = set terminal pngcairo size 1200,800 enhanced font 'Sans,11'
GP_PDF = set terminal pdfcairo size 7.5in,5in enhanced font 'Sans,10'
GP_RUN = GNUPLOT_LIB='$(srcdir)/plots' $(GNUPLOT)

.PHONY: figures figures-clean main-job
if HAVE_GNUPLOT
figures: $(FIGURES)
	@echo "figures written to $(abs_builddir)/figures/"
else
figures:
	@echo "make figures: configure found no gnuplot with pngcairo/pdfcairo; install gnuplot-nox and rerun configure" >&2; exit 1
endif

results/.stamp: flowcheck$(EXEEXT)
	$(AM_V_at)$(MKDIR_P) results
	$(AM_V_GEN)./flowcheck$(EXEEXT) run --out results
	$(AM_V_GEN)./flowcheck$(EXEEXT) run --controls --out results
	$(AM_V_at)touch $@

figures/%.png: $(srcdir)/plots/%.gp $(srcdir)/plots/common.gp results/.stamp
	$(AM_V_at)$(MKDIR_P) figures
	$(AM_V_GEN)$(GP_RUN) -e "$(GP_PNG)" -c $(srcdir)/plots/$*.gp results $@.tmp && mv -f $@.tmp $@
figures/%.pdf: $(srcdir)/plots/%.gp $(srcdir)/plots/common.gp results/.stamp
	$(AM_V_at)$(MKDIR_P) figures
	$(AM_V_GEN)$(GP_RUN) -e "$(GP_PDF)" -c $(srcdir)/plots/$*.gp results $@.tmp && mv -f $@.tmp $@

figures-clean:
	-rm -rf figures results

# `make figures-sweep [SWEEP_JOBS=N]` (issue 16): the same figures and
# verdicts as `make figures`, its main job split into cells that
# experiments/run-sweep runs as N processes (default 2, one OpenMP thread
# each unless OMP_NUM_THREADS says otherwise) and merges into the bytes of
# the one-process run.  The claims' and the controls' runs are two studies:
# each gets its own results/cells, removed after its merge.
SWEEP_JOBS = 2
.PHONY: figures-sweep
figures-sweep: flowcheck$(EXEEXT)
	$(AM_V_at)$(MKDIR_P) results && rm -rf results/cells
	$(AM_V_GEN)OMP_NUM_THREADS=$${OMP_NUM_THREADS-1} $(SHELL) \
	  $(srcdir)/experiments/run-sweep -j $(SWEEP_JOBS) \
	  ./flowcheck$(EXEEXT) run --out results
	$(AM_V_at)rm -rf results/cells
	$(AM_V_GEN)OMP_NUM_THREADS=$${OMP_NUM_THREADS-1} $(SHELL) \
	  $(srcdir)/experiments/run-sweep -j $(SWEEP_JOBS) \
	  ./flowcheck$(EXEEXT) run --controls --out results
	$(AM_V_at)rm -rf results/cells && touch results/.stamp
	$(AM_V_at)$(MAKE) $(AM_MAKEFLAGS) figures
