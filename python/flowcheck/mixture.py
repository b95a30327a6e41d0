"""Gaussian mixtures: from a spec file, a built-in name, or arrays."""

import ctypes
import os

import numpy as np

from . import _lib
from ._lib import Error, lib

# Room for the readers' "FILE:LINE: message" (the command line's size).
_ERR_LEN = 1024


class Mixture:
    """A prepared mixture sum_k w_k N(mu_k, S_k) owned by the library.

    Build one with load() or Mixture(weights, means, covariances).
    weights (K,), means (K, D), covariances (K, D, D); weights are
    normalised by the library.  dim, n_components, weights, means and
    covariances give the mixture back as NumPy arrays (copies).
    """

    def __init__(self, weights, means, covariances):
        w = _lib.as_array(weights, "weights", ndim=1)
        mu = _lib.as_array(means, "means", ndim=2)
        k, d = mu.shape
        cov = _lib.as_array(covariances, "covariances", ndim=3)
        if w.shape != (k,) or cov.shape != (k, d, d) or k == 0 or d == 0:
            raise Error("mixture: weights (K,), means (K, D) and covariances"
                        " (K, D, D) with K, D >= 1; got %s, %s, %s"
                        % (w.shape, mu.shape, cov.shape))
        g = _lib.call_pointer(lib.fc_gmm_alloc, d, k)
        status = _lib.GSL_SUCCESS
        lib.fc_capi_clear()
        for j in range(k):
            status = lib.fc_gmm_set_component(g, j, w[j], _lib.ptr(mu[j]),
                                              _lib.ptr(cov[j]))
            if status != _lib.GSL_SUCCESS:
                lib.fc_gmm_finish(g, status)  # frees G
                raise Error("mixture: component %d: %s"
                            % (j, _lib.message(status)))
        self._g = _lib.call_pointer(lib.fc_gmm_finish, g, status)

    @classmethod
    def _own(cls, g):
        """A Mixture taking ownership of the prepared fc_gmm pointer G."""
        m = cls.__new__(cls)
        m._g = g
        return m

    def __del__(self):
        g = getattr(self, "_g", None)
        if g:
            lib.fc_gmm_free(g)
            self._g = None

    @property
    def dim(self):
        return self._g.contents.dim

    @property
    def n_components(self):
        return self._g.contents.n_comp

    def _copy(self, field, shape):
        n = int(np.prod(shape))
        p = getattr(self._g.contents, field)
        return np.ctypeslib.as_array(p, shape=(n,)).reshape(shape).copy()

    @property
    def weights(self):
        return self._copy("weight", (self.n_components,))

    @property
    def means(self):
        return self._copy("mean", (self.n_components, self.dim))

    @property
    def covariances(self):
        return self._copy("cov", (self.n_components, self.dim, self.dim))

    def __repr__(self):
        return "<flowcheck.Mixture: %d components in %d dimensions>" % (
            self.n_components, self.dim)


def load(spec):
    """The mixture of a built-in data set (8gaussians, moons, checkerboard,
    grid25) or of the spec file at path SPEC (`flowcheck eval --help`
    describes the format).  Error with the reader's "FILE:LINE: message".
    """
    err = ctypes.create_string_buffer(_ERR_LEN)
    name = os.fsencode(spec)
    g = lib.fc_spec_load(name, err, _ERR_LEN)
    if not g:
        msg = err.value.decode("utf-8", "backslashreplace")
        raise Error(msg or "%s: not a built-in data set nor a spec file"
                    % spec)
    return Mixture._own(g)


def as_mixture(m):
    """M if it is a Mixture, else load(M)."""
    return m if isinstance(m, Mixture) else load(m)
