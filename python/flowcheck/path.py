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


def _quantity(name, doc):
    """The function NAME (mixture, X, t, schedule="linear") of evaluate."""
    def f(mixture, X, t, schedule="linear"):
        return evaluate(name, mixture, X, t, schedule)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


logp = _quantity("logp", "log p_t(x), shape (N,).")
score = _quantity("score", "grad log p_t(x), shape (N, D).")
velocity = _quantity("velocity", "The marginal velocity u_t(x), shape (N, D).")
x1hat = _quantity("x1hat", "E[x1 | x_t = x], shape (N, D).")
x0hat = _quantity("x0hat", "E[x0 | x_t = x], shape (N, D).")
div = _quantity("div", "div u_t(x), shape (N,).")
