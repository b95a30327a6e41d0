"""The exact quantities of the path x_t = alpha_t x1 + sigma_t x0 (fc_path.h),
the same numbers as `flowcheck eval`."""

import numpy as np

from . import _lib
from ._lib import lib
from .mixture import as_mixture

SCHEDULES = ("linear", "cosine", "vp")
QUANTITIES = ("logp", "score", "velocity", "x1hat", "x0hat", "div")
_SCALAR = ("logp", "div")


def evaluate(quantity, mixture, X, t, schedule="linear"):
    """QUANTITY (one of QUANTITIES) of MIXTURE (a Mixture, a built-in name
    or a spec path) at the points X (N, D), time T in [0, 1], under
    SCHEDULE: an array (N, D), or (N,) for logp and div."""
    m = as_mixture(mixture)
    q = _lib.parse_name(lib.fc_quantity_parse, "quantity", quantity,
                        QUANTITIES)
    s = _lib.parse_name(lib.fc_schedule_parse, "schedule", schedule,
                        SCHEDULES)
    x = _lib.as_array(X, "X", ndim=2, width=m.dim)
    n = x.shape[0]
    out = np.empty((n,) if quantity in _SCALAR else (n, m.dim))
    if n > 0:
        _lib.call(lib.fc_path_eval, m._g, s, float(t), q, n, _lib.ptr(x),
                  _lib.ptr(out))
    return out


def logp(mixture, X, t, schedule="linear"):
    """log p_t(x), shape (N,)."""
    return evaluate("logp", mixture, X, t, schedule)


def score(mixture, X, t, schedule="linear"):
    """grad log p_t(x), shape (N, D)."""
    return evaluate("score", mixture, X, t, schedule)


def velocity(mixture, X, t, schedule="linear"):
    """The marginal velocity u_t(x), shape (N, D)."""
    return evaluate("velocity", mixture, X, t, schedule)


def x1hat(mixture, X, t, schedule="linear"):
    """E[x1 | x_t = x], shape (N, D)."""
    return evaluate("x1hat", mixture, X, t, schedule)


def x0hat(mixture, X, t, schedule="linear"):
    """E[x0 | x_t = x], shape (N, D)."""
    return evaluate("x0hat", mixture, X, t, schedule)


def div(mixture, X, t, schedule="linear"):
    """div u_t(x), shape (N,)."""
    return evaluate("div", mixture, X, t, schedule)
