"""The exact posterior given a linear-Gaussian observation, and samples by a
guided flow: the same numbers as `flowcheck posterior` and `flowcheck
sample`."""

import ctypes
import os

import numpy as np

from . import _lib
from ._lib import Error, lib
from .mixture import Mixture, as_mixture, _ERR_LEN
from .path import SCHEDULES

# `flowcheck sample`'s defaults (src/cli/sample.c).
DEFAULT_SEED = 20240501
DEFAULT_STEPS = 100
DEFAULT_STEPS_RECONSTRUCTION = 400
# The command line's guidance names and the library's methods behind them:
# "exact" is the split form u_t + c_t grad log h with the exact likelihood.
GUIDANCES = {"exact": "exact-split", "reconstruction": "reconstruction",
             "tweedie": "tweedie", "none": "none"}
_FC_ODE_RK4 = 2  # fc_ode_fixed_method (src/fc_ode.h)


class _Observation:
    """An fc_obs owned here: read from a file or built from A, y, sigma_y."""

    def __init__(self, dim, obs=None, A=None, y=None, sigma_y=None):
        if obs is not None:
            if A is not None or y is not None or sigma_y is not None:
                raise Error("observation: give obs (a file) or A, y and "
                            "sigma_y, not both")
            err = ctypes.create_string_buffer(_ERR_LEN)
            self._o = lib.fc_obs_read_file(os.fsencode(obs), dim, err,
                                           _ERR_LEN)
            if not self._o:
                raise Error(err.value.decode("utf-8", "backslashreplace"))
            return
        if A is None or y is None or sigma_y is None:
            raise Error("observation: give obs (a file) or all of A, y and "
                        "sigma_y")
        a = _lib.as_array(A, "A", ndim=2, width=dim)
        yv = _lib.as_array(y, "y", ndim=1)
        if yv.shape[0] != a.shape[0]:
            raise Error("observation: A is %s, y %s: expected A (m, D) and "
                        "y (m,)" % (a.shape, yv.shape))
        self._o = _lib.call_pointer(lib.fc_obs_alloc, a.shape[0], dim)
        o = self._o.contents
        ctypes.memmove(o.a, _lib.ptr(a), a.nbytes)
        ctypes.memmove(o.y, _lib.ptr(yv), yv.nbytes)
        o.sigma_y = float(sigma_y)
        _lib.call(lib.fc_obs_check, self._o, dim)

    @classmethod
    def uninformative(cls, dim):
        """A = 0: what the unguided flow is given (it never reads it)."""
        self = cls.__new__(cls)
        self._o = _lib.call_pointer(lib.fc_obs_alloc, 1, dim)
        return self

    def __del__(self):
        o = getattr(self, "_o", None)
        if o:
            lib.fc_obs_free(o)
            self._o = None


def posterior(mixture, obs=None, *, A=None, y=None, sigma_y=None):
    """The exact posterior of x ~ MIXTURE given y = A x + N(0, sigma_y^2 I):
    a Mixture.  The observation is the file OBS (`flowcheck posterior
    --help` describes it) or the arrays A (m, D), y (m,) and sigma_y > 0."""
    m = as_mixture(mixture)
    o = _Observation(m.dim, obs, A, y, sigma_y)
    c = o._o.contents
    g = _lib.call_pointer(lib.fc_gmm_condition, m._g, c.m, c.a, c.y,
                          c.sigma_y)
    return Mixture._own(g)


def _steps(guidance, steps):
    if steps is None:
        return (DEFAULT_STEPS_RECONSTRUCTION if guidance == "reconstruction"
                else DEFAULT_STEPS)
    if int(steps) < 1:
        raise Error("sample: steps: %s is not an integer >= 1" % steps)
    return int(steps)


def _field(m, schedule, o, guidance, gamma):
    """The guided field of GUIDANCE, a c_void_p to be freed."""
    if guidance not in GUIDANCES:
        raise Error("sample: guidance: '%s' is not a guidance (%s)"
                    % (guidance, ", ".join(GUIDANCES)))
    if gamma is not None and guidance != "reconstruction":
        raise Error("sample: gamma applies only to guidance reconstruction")
    method = _lib.parse_name(lib.fc_guide_method_parse, "guidance",
                             GUIDANCES[guidance], GUIDANCES)
    s = _lib.parse_name(lib.fc_schedule_parse, "schedule", schedule,
                        SCHEDULES)
    gam = 1.0 if gamma is None else float(gamma)
    return _lib.call_pointer(lib.fc_guide_field_alloc, m._g, s, o._o, method,
                             gam)


def sample(mixture, n, guidance="none", obs=None, *, A=None, y=None,
           sigma_y=None, gamma=None, seed=DEFAULT_SEED, steps=None,
           schedule="linear"):
    """N samples (N, D) of MIXTURE (guidance "none") or of its posterior
    given an observation (as for posterior()) by the guided flow from
    x0 ~ N(0, I), RK4 in STEPS equal steps: the samples of `flowcheck
    sample` with the same options, bit for bit.  GUIDANCE: exact,
    reconstruction (with GAMMA, default 1), tweedie, none."""
    m = as_mixture(mixture)
    n = int(n)
    if n < 1:
        raise Error("sample: n: %d is not an integer >= 1" % n)
    if guidance == "none" and obs is None and A is None:
        o = _Observation.uninformative(m.dim)
    else:
        o = _Observation(m.dim, obs, A, y, sigma_y)
    k = _steps(guidance, steps)
    f = _field(m, schedule, o, guidance, gamma)
    x = np.empty((n, m.dim))
    try:
        _lib.call(lib.fc_guide_sample, f, int(seed), 0, _FC_ODE_RK4, k, n,
                  _lib.ptr(x))
    finally:
        lib.fc_guide_field_free(f)
    bad = np.flatnonzero(~np.isfinite(x).all(axis=1))
    if bad.size:
        raise Error("sample: numerical failure: %d of %d samples not finite"
                    " (the first: sample %d)" % (bad.size, n, bad[0] + 1))
    return x
