"""The shared library, its C signatures, and errors as exceptions.

The library is found, in this order, at the path in the environment
variable FLOWCHECK_LIB (the build tree's src/.libs/libflowcheck.so.0 for
the tests), at the path make wrote into _config.py at build time (the
installed libdir and soname), or by the dynamic loader's search
(libflowcheck.so.0 on LD_LIBRARY_PATH or in the system's libdirs).
"""

import ctypes
import os

import numpy as np

c_double_p = ctypes.POINTER(ctypes.c_double)
c_size_t = ctypes.c_size_t

# Errors of the library are GSL statuses (gsl_errno.h).
GSL_SUCCESS = 0


class Error(ValueError):
    """A call of libflowcheck failed; the message is the library's."""


class Gmm(ctypes.Structure):
    """The leading fields of fc_gmm (src/fc_gmm.h), as far as they are read."""
    _fields_ = [("dim", c_size_t), ("n_comp", c_size_t),
                ("weight", c_double_p), ("log_weight", c_double_p),
                ("mean", c_double_p), ("cov", c_double_p)]


class Obs(ctypes.Structure):
    """fc_obs (src/fc_obs.h)."""
    _fields_ = [("m", c_size_t), ("dim", c_size_t), ("a", c_double_p),
                ("y", c_double_p), ("sigma_y", ctypes.c_double)]


gmm_p = ctypes.POINTER(Gmm)
obs_p = ctypes.POINTER(Obs)
c_void_p = ctypes.c_void_p
c_char_p = ctypes.c_char_p
c_int = ctypes.c_int
c_ulong = ctypes.c_ulong

# name: (restype, argtypes)
_SIGNATURES = {
    "fc_capi_init": (None, []),
    "fc_capi_clear": (None, []),
    "fc_capi_message": (c_char_p, [c_int]),
    "fc_spec_load": (gmm_p, [c_char_p, c_char_p, c_size_t]),
    "fc_gmm_alloc": (gmm_p, [c_size_t, c_size_t]),
    "fc_gmm_set_component": (c_int, [gmm_p, c_size_t, ctypes.c_double,
                                     c_double_p, c_double_p]),
    "fc_gmm_finish": (gmm_p, [gmm_p, c_int]),
    "fc_gmm_free": (None, [gmm_p]),
    "fc_gmm_condition": (gmm_p, [gmm_p, c_size_t, c_double_p, c_double_p,
                                 ctypes.c_double]),
    "fc_schedule_parse": (c_int, [c_char_p, ctypes.POINTER(c_int)]),
    "fc_quantity_parse": (c_int, [c_char_p, ctypes.POINTER(c_int)]),
    "fc_path_eval": (c_int, [gmm_p, c_int, ctypes.c_double, c_int, c_size_t,
                             c_double_p, c_double_p]),
    "fc_obs_alloc": (obs_p, [c_size_t, c_size_t]),
    "fc_obs_free": (None, [obs_p]),
    "fc_obs_check": (c_int, [obs_p, c_size_t]),
    "fc_obs_read_file": (obs_p, [c_char_p, c_size_t, c_char_p, c_size_t]),
    "fc_guide_field_alloc": (c_void_p, [gmm_p, c_int, obs_p, c_int,
                                        ctypes.c_double]),
    "fc_guide_field_free": (None, [c_void_p]),
    "fc_guide_method_parse": (c_int, [c_char_p, ctypes.POINTER(c_int)]),
    "fc_guide_sample": (c_int, [c_void_p, c_ulong, c_ulong, c_int, c_size_t,
                                c_size_t, c_double_p]),
    "fc_so3_exp": (c_int, [c_double_p, c_double_p]),
    "fc_so3_log": (c_int, [c_double_p, c_double_p]),
    "fc_so3_dist": (ctypes.c_double, [c_double_p, c_double_p]),
    "fc_so3_geodesic": (c_int, [c_double_p, c_double_p, ctypes.c_double,
                                c_double_p]),
    "fc_so3_kabsch": (c_int, [c_size_t, c_double_p, c_double_p, c_double_p]),
    "fc_so3_igso3_density": (ctypes.c_double, [ctypes.c_double,
                                               ctypes.c_double]),
    "fc_so3_haar": (c_int, [c_ulong, c_size_t, c_double_p]),
    "fc_so3_igso3_sample": (c_int, [c_ulong, ctypes.c_double, c_size_t,
                                    c_double_p, c_double_p]),
}


def _library_path():
    path = os.environ.get("FLOWCHECK_LIB")
    if path:
        return path
    try:
        from . import _config
        if _config.LIBRARY:
            return _config.LIBRARY
    except ImportError:
        pass
    return "libflowcheck.so.0"


def _open():
    path = _library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(
            "flowcheck: cannot load the shared library %s (%s); set "
            "FLOWCHECK_LIB to the path of libflowcheck.so.N" % (path, e))
    for name, (restype, argtypes) in _SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    # GSL's default error handler aborts the process: keep the reason
    # instead, per thread (src/fc_capi.h).
    lib.fc_capi_init()
    return lib


lib = _open()


def message(status):
    """The library's message for a call that failed with STATUS."""
    return lib.fc_capi_message(status).decode("utf-8", "replace")


def call(fn, *args):
    """Call FN with the reason cleared; raise Error on a nonzero status."""
    lib.fc_capi_clear()
    status = fn(*args)
    if status != GSL_SUCCESS:
        raise Error("%s: %s" % (fn.__name__, message(status)))


def call_pointer(fn, *args):
    """Call FN, which returns a pointer; raise Error when it is NULL."""
    lib.fc_capi_clear()
    p = fn(*args)
    if not p:
        raise Error("%s: %s" % (fn.__name__, message(-1)))
    return p


def ptr(a):
    """A double* into the C-contiguous float64 array A."""
    return a.ctypes.data_as(c_double_p)


def as_array(x, name, ndim=None, width=None):
    """X as a C-contiguous float64 array, checked: ndim, last axis WIDTH."""
    a = np.ascontiguousarray(x, dtype=np.float64)
    if ndim is not None and a.ndim != ndim:
        raise Error("%s: expected a %d-dimensional array, got shape %s"
                    % (name, ndim, a.shape))
    if width is not None and a.shape[-1] != width:
        raise Error("%s: expected shape (N, %d), got %s"
                    % (name, width, a.shape))
    return a


def parse_name(fn, kind, name, choices):
    """The enum value of NAME through the library's parser FN."""
    v = c_int()
    if fn(str(name).encode(), ctypes.byref(v)) != GSL_SUCCESS:
        raise Error("%s: '%s' is not a %s (%s)"
                    % (kind, name, kind, ", ".join(choices)))
    return v.value
