"""The rotation group SO(3) (src/fc_so3.h): the maps of `flowcheck so3`,
batched, and Haar and IGSO(3) sampling.  A rotation is a (3, 3) array; a
batch of them (N, 3, 3); a rotation vector w is (3,), angle |w| about
w/|w|."""

import numpy as np

from . import _lib
from ._lib import Error, lib

# `flowcheck so3`'s tolerance on an input rotation: max |R^T R - I| and
# |det R - 1| (src/cli/so3.c says why 1e-10).
ROTATION_TOL = 1e-10
_GSL_EDOM = 1  # gsl_errno.h


def _rotations(R, name):
    """R as a C-contiguous (N, 3, 3) float64 array of rotations, checked as
    `flowcheck so3` checks them."""
    r = _lib.as_array(R, name)
    if r.ndim < 2 or r.shape[-2:] != (3, 3):
        raise Error("%s: expected shape (N, 3, 3), got %s" % (name, r.shape))
    r = np.ascontiguousarray(r.reshape(-1, 3, 3))
    orth = np.abs(np.einsum("nki,nkj->nij", r, r) - np.eye(3)).max(
        axis=(1, 2), initial=0.0)
    det = np.linalg.det(r) if len(r) else np.ones(0)
    bad = np.flatnonzero(~((orth <= ROTATION_TOL)
                           & (np.abs(det - 1) <= ROTATION_TOL)))
    if bad.size:
        i = bad[0]
        raise Error("%s[%d] is not a rotation: max |R^T R - I| = %.3g, "
                    "det R = %.17g (tolerance %g)"
                    % (name, i, orth[i], det[i], ROTATION_TOL))
    return r


def _map(fn, out_shape, *inputs):
    """FN (a status-returning fc_so3 call) on each row of INPUTS."""
    n = len(inputs[0])
    out = np.empty((n,) + out_shape)
    for i in range(n):
        _lib.call(fn, *[_lib.ptr(a[i]) for a in inputs], _lib.ptr(out[i]))
    return out


def exp(w):
    """exp(hat w) of rotation vectors W (N, 3): (N, 3, 3)."""
    w = _lib.as_array(w, "w", ndim=2, width=3)
    return _map(lib.fc_so3_exp, (3, 3), w)


def log(R):
    """The rotation vectors (N, 3), angle in [0, pi], of R (N, 3, 3)."""
    return _map(lib.fc_so3_log, (3,), _rotations(R, "R"))


def dist(R1, R2):
    """The geodesic distances (N,): the angle of R1^T R2."""
    a, b = _rotations(R1, "R1"), _rotations(R2, "R2")
    if a.shape != b.shape:
        raise Error("dist: R1 %s and R2 %s differ in shape"
                    % (a.shape, b.shape))
    return np.array([lib.fc_so3_dist(_lib.ptr(a[i]), _lib.ptr(b[i]))
                     for i in range(len(a))], dtype=np.float64)


def geodesic(R0, R1, t):
    """R0 exp(t log(R0^T R1)) for each pair: (N, 3, 3)."""
    a, b = _rotations(R0, "R0"), _rotations(R1, "R1")
    if a.shape != b.shape:
        raise Error("geodesic: R0 %s and R1 %s differ in shape"
                    % (a.shape, b.shape))
    out = np.empty(a.shape)
    for i in range(len(a)):
        _lib.call(lib.fc_so3_geodesic, _lib.ptr(a[i]), _lib.ptr(b[i]),
                  float(t), _lib.ptr(out[i]))
    return out


def kabsch(x, y):
    """The rotation R (3, 3) minimising sum_i |R x_i - y_i|^2, x, y (N, 3),
    no centring."""
    a = _lib.as_array(x, "x", ndim=2, width=3)
    b = _lib.as_array(y, "y", ndim=2, width=3)
    if a.shape != b.shape or len(a) == 0:
        raise Error("kabsch: x %s and y %s: expected the same shape (N, 3),"
                    " N >= 1" % (a.shape, b.shape))
    R = np.empty((3, 3))
    _lib.call(lib.fc_so3_kabsch, len(a), _lib.ptr(a), _lib.ptr(b),
              _lib.ptr(R))
    return R


def igso3_density(w, sigma):
    """The density f(w; sigma) (N,) of the angle of IGSO(3) at angles W
    (N,) in [0, pi]."""
    w = _lib.as_array(w, "w", ndim=1)
    bad = np.flatnonzero(~((w >= 0) & (w <= np.pi)))
    if bad.size:
        raise Error("igso3_density: w[%d] = %.17g is outside [0, pi]"
                    % (bad[0], w[bad[0]]))
    lib.fc_capi_clear()
    out = np.array([lib.fc_so3_igso3_density(v, float(sigma)) for v in w],
                   dtype=np.float64)
    if not np.isfinite(out).all():
        raise Error("igso3_density: sigma %r: %s" % (sigma, _lib.message(_GSL_EDOM)))
    return out


def haar(n, seed):
    """N Haar (uniform) rotations (N, 3, 3), deterministic for SEED."""
    R = np.empty((int(n), 3, 3))
    _lib.call(lib.fc_so3_haar, int(seed), int(n), _lib.ptr(R))
    return R


def igso3_sample(n, sigma, seed):
    """N draws (N, 3, 3) of IGSO(3) of scale SIGMA, and their angles (N,)."""
    R = np.empty((int(n), 3, 3))
    angle = np.empty(int(n))
    _lib.call(lib.fc_so3_igso3_sample, int(seed), float(sigma), int(n),
              _lib.ptr(R), _lib.ptr(angle))
    return R, angle
