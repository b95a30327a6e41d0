"""flowcheck: exact ground truth for flow matching, from Python.

Pure Python over the shared library libflowcheck (ctypes); NumPy float64
arrays in and out, the same numbers as the command line, bit for bit.

    import flowcheck
    m = flowcheck.load("8gaussians")          # or a spec file, or
    m = flowcheck.Mixture(weights, means, covariances)
    u = flowcheck.velocity(m, X, 0.5)         # X (N, D) -> (N, D)
    lp = flowcheck.logp(m, X, 0.5, schedule="vp")   # (N,)

Quantities: logp, score, velocity, x1hat, x0hat, div (schedules linear,
cosine, vp); posterior; sample; flowcheck.so3 (exp, log, dist, geodesic,
kabsch, igso3_density, haar, igso3_sample).  A failed call raises
flowcheck.Error (a ValueError) with the library's message.  Importing the
module installs the library's error handler as GSL's (fc_capi_init): GSL
errors in this process are then reported, per thread, instead of aborting.

The library: FLOWCHECK_LIB (a path to libflowcheck.so.N), else the one
make install put beside this module's prefix (_config.py), else the
dynamic loader's search for libflowcheck.so.0.
"""

from ._lib import Error
from .mixture import Mixture, load
from .path import (QUANTITIES, SCHEDULES, div, evaluate, logp, score,
                   velocity, x0hat, x1hat)
from .guide import GUIDANCES, posterior, sample
from . import so3

__all__ = ["Error", "Mixture", "load", "QUANTITIES", "SCHEDULES", "evaluate",
           "logp", "score", "velocity", "x1hat", "x0hat", "div", "posterior",
           "sample", "GUIDANCES", "so3"]
