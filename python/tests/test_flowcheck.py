"""The Python module flowcheck against the command line, bit for bit.

Run by tests/python.test with PYTHONPATH at python/, FLOWCHECK_LIB at the
build tree's shared library and FC_PROGRAM at its ./flowcheck.  The module
and the command call the same library functions on the same doubles
(.npy in and out, or %.17g text, which round-trips), so every comparison
is exact equality of float64 arrays: no tolerance.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np

import flowcheck

FC = os.environ.get("FC_PROGRAM", "./flowcheck")
SRCDIR = os.environ.get("FC_SRCDIR", ".")
EXAMPLE_SPEC = os.path.join(SRCDIR, "tests", "data", "example.spec")
OBS_TEXT = "sigma 0.3\ny 1.5 -0.25\nrow 1 0\nrow 0.5 0.5\n"


def run(args, stdin=None, check=True):
    """./flowcheck ARGS; its stdout (text), or the CompletedProcess."""
    p = subprocess.run([FC] + args, input=stdin, capture_output=True,
                       text=True)
    if check:
        if p.returncode != 0:
            raise AssertionError("flowcheck %s: exit %d: %s"
                                 % (" ".join(args), p.returncode, p.stderr))
        return p.stdout
    return p


def text_rows(out):
    """The %.17g rows of OUT as a float64 array (N, width)."""
    return np.array([[float(v) for v in line.split()]
                     for line in out.splitlines() if line.strip()],
                    dtype=np.float64)


def spec_arrays(text):
    """Weights (K,), means (K, D), covariances (K, D, D) of spec TEXT as
    fc_spec_write writes it (component, mean, cov lines)."""
    d = int(re.search(r"^dim (\d+)$", text, re.M).group(1))
    w = [float(v) for v in re.findall(r"^component (\S+)$", text, re.M)]
    mu = [[float(v) for v in s.split()]
          for s in re.findall(r"^mean (.*)$", text, re.M)]
    cov = [[float(v) for v in s.split()]
           for s in re.findall(r"^cov (.*)$", text, re.M)]
    k = len(w)
    return (np.array(w), np.array(mu).reshape(k, d),
            np.array(cov).reshape(k, d, d))


class Bits(unittest.TestCase):
    """Helpers: exact comparison, a temporary directory."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fc-python.")
        cls.obs = os.path.join(cls.tmp, "y.obs")
        with open(cls.obs, "w") as f:
            f.write(OBS_TEXT)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def assertBits(self, got, want, what):
        got = np.asarray(got)
        self.assertEqual(got.dtype, np.float64, what)
        self.assertEqual(got.shape, want.shape, what)
        same = got.view(np.uint64) == want.view(np.uint64)
        if not same.all():
            i = np.flatnonzero(~same.ravel())[0]
            self.fail("%s: %d of %d numbers differ; the first: %.17g (Python)"
                      " vs %.17g (flowcheck)" % (what, (~same).sum(),
                                                 same.size, got.ravel()[i],
                                                 want.ravel()[i]))

    def npy(self, name, a):
        path = os.path.join(self.tmp, name)
        np.save(path, np.ascontiguousarray(a, dtype="<f8"))
        return path


class Eval(Bits):
    """Every quantity and schedule of `flowcheck eval`."""

    def check_data(self, data, mixture, dim, times, seed):
        rng = np.random.default_rng(seed)
        x = 2.0 * rng.standard_normal((37, dim))
        points = self.npy("x.npy", x)
        out = os.path.join(self.tmp, "out.npy")
        for s in flowcheck.SCHEDULES:
            for t in times:
                for q in flowcheck.QUANTITIES:
                    run(["eval", "--data", data, "--schedule", s, "--t",
                         repr(t), "--quantity", q, "--points", points,
                         "--output", out])
                    want = np.load(out)
                    got = getattr(flowcheck, q)(mixture, x, t, schedule=s)
                    self.assertBits(got, want, "%s %s %s t=%r"
                                    % (data, q, s, t))

    def test_builtin_every_schedule_and_quantity(self):
        # moons: full covariances; t = 0, inside, 1 (vp's sigma' infinite).
        self.check_data("moons", flowcheck.load("moons"), 2,
                        (0.0, 0.37, 1.0), 1)

    def test_spec_file_3d(self):
        self.check_data(EXAMPLE_SPEC, flowcheck.load(EXAMPLE_SPEC), 3,
                        (0.81,), 2)

    def test_mixture_from_arrays_is_the_spec(self):
        m = flowcheck.load(EXAMPLE_SPEC)
        a = flowcheck.Mixture([0.7, 0.3], m.means, m.covariances)
        self.assertBits(a.weights, m.weights, "weights")
        x = np.random.default_rng(3).standard_normal((5, 3))
        self.assertBits(flowcheck.velocity(a, x, 0.5),
                        flowcheck.velocity(m, x, 0.5), "velocity")

    def test_shapes(self):
        m = flowcheck.load("8gaussians")
        x = np.zeros((4, 2))
        self.assertEqual(flowcheck.logp(m, x, 0.5).shape, (4,))
        self.assertEqual(flowcheck.div(m, x, 0.5).shape, (4,))
        self.assertEqual(flowcheck.score(m, x, 0.5).shape, (4, 2))
        self.assertEqual(flowcheck.velocity(m, np.zeros((0, 2)), 0.5).shape,
                         (0, 2))
        # A built-in name stands for its mixture.
        self.assertBits(flowcheck.velocity("8gaussians", x + 1, 0.5),
                        flowcheck.velocity(m, x + 1, 0.5), "by name")


class Posterior(Bits):
    """`flowcheck posterior` written as a spec file, to the last digit."""

    def test_posterior_file_and_arrays(self):
        for data in ("grid25", EXAMPLE_SPEC):
            m = flowcheck.load(data)
            d = m.dim
            obs = os.path.join(self.tmp, "y%d.obs" % d)
            a = np.array([[1.0, 0.0, 0.25][:d], [0.5, 0.5, -1.0][:d]])
            with open(obs, "w") as f:
                f.write("sigma 0.3\ny 1.5 -0.25\n")
                f.writelines("row %s\n" % " ".join(repr(v) for v in r)
                             for r in a)
            w, mu, cov = spec_arrays(run(["posterior", "--data", data,
                                          "--obs", obs]))
            for p in (flowcheck.posterior(m, obs),
                      flowcheck.posterior(m, A=a, y=[1.5, -0.25],
                                          sigma_y=0.3)):
                self.assertBits(p.weights, w, "%s weights" % data)
                self.assertBits(p.means, mu, "%s means" % data)
                self.assertBits(p.covariances, cov, "%s covariances" % data)


class Sample(Bits):
    """`flowcheck sample` for every guidance, bit for bit."""

    def test_every_guidance(self):
        out = os.path.join(self.tmp, "s.npy")
        cases = [("none", [], {}),
                 ("exact", ["--schedule", "cosine"], {"schedule": "cosine"}),
                 ("tweedie", ["--seed", "7"], {"seed": 7}),
                 ("reconstruction", ["--gamma", "0.5", "--schedule", "vp"],
                  {"gamma": 0.5, "schedule": "vp"})]
        for guidance, args, kw in cases:
            obs = [] if guidance == "none" else ["--obs", self.obs]
            run(["sample", "--data", "8gaussians", "--guidance", guidance,
                 "--n", "300", "--steps", "16", "--quiet", "--output", out]
                + obs + args)
            got = flowcheck.sample(
                "8gaussians", 300, guidance,
                obs=None if guidance == "none" else self.obs, steps=16, **kw)
            self.assertBits(got, np.load(out), "sample %s" % guidance)

    def test_default_steps_and_seed(self):
        out = run(["sample", "--data", "moons", "--guidance", "none",
                   "--n", "5", "--quiet"])
        self.assertBits(flowcheck.sample("moons", 5), text_rows(out),
                        "sample defaults")


class So3(Bits):
    """`flowcheck so3`: every map, %.17g text both ways."""

    def lines(self, a):
        return "".join(" ".join(repr(float(v)) for v in row) + "\n"
                       for row in a.reshape(len(a), -1))

    def test_every_map(self):
        rng = np.random.default_rng(4)
        w = rng.standard_normal((9, 3))
        w[0] = [0.0, 0.0, np.pi]     # angle pi: log's sign convention
        w[1] = [1e-9, 0.0, 0.0]      # tiny angle: the Taylor branch
        R = flowcheck.so3.exp(w)
        self.assertBits(R.reshape(9, 9),
                        text_rows(run(["so3", "exp"], self.lines(w))), "exp")
        R2 = flowcheck.so3.haar(9, 11)
        self.assertBits(flowcheck.so3.log(R2),
                        text_rows(run(["so3", "log"], self.lines(R2))), "log")
        pairs = self.lines(np.concatenate([R.reshape(9, 9),
                                           R2.reshape(9, 9)], axis=1))
        self.assertBits(flowcheck.so3.dist(R, R2),
                        text_rows(run(["so3", "dist"], pairs))[:, 0], "dist")
        self.assertBits(flowcheck.so3.geodesic(R, R2, 0.3).reshape(9, 9),
                        text_rows(run(["so3", "geodesic", "--t", "0.3"],
                                      pairs)), "geodesic")
        x = rng.standard_normal((6, 3))
        y = x @ R2[0].T + 0.01 * rng.standard_normal((6, 3))
        self.assertBits(flowcheck.so3.kabsch(x, y).reshape(1, 9),
                        text_rows(run(["so3", "kabsch"], self.lines(
                            np.concatenate([x, y], axis=1)))), "kabsch")
        angles = np.array([0.0, 1e-3, 0.5, 2.0, np.pi])
        for s in (0.2, 1.5):
            self.assertBits(flowcheck.so3.igso3_density(angles, s),
                            text_rows(run(["so3", "igso3", "--sigma",
                                           repr(s)], self.lines(angles)))
                            [:, 0], "igso3 sigma=%r" % s)

    def test_samplers(self):
        R, angle = flowcheck.so3.igso3_sample(50, 0.7, 3)
        self.assertEqual(R.shape, (50, 3, 3))
        # Each draw is exp(angle axis): its distance to I is the angle.
        self.assertTrue(np.allclose(flowcheck.so3.dist(
            np.broadcast_to(np.eye(3), R.shape), R), angle, atol=1e-12))


class Errors(Bits):
    """Failures raise flowcheck.Error with the library's message."""

    def raises(self, pattern, fn, *args, **kw):
        with self.assertRaises(flowcheck.Error) as cm:
            fn(*args, **kw)
        self.assertRegex(str(cm.exception), pattern)
        return str(cm.exception)

    def test_spec_errors_are_the_readers(self):
        bad = os.path.join(self.tmp, "bad.spec")
        with open(bad, "w") as f:
            f.write("dim 2\ncomponent 1\nmean 0 0\nvar -1\n")
        msg = self.raises(r"bad\.spec:4: ", flowcheck.load, bad)
        p = run(["eval", "--data", bad, "--schedule", "linear", "--t",
                 "0.5", "--quantity", "logp"], "", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn(msg, p.stderr)
        self.raises(r"cannot open", flowcheck.load,
                    os.path.join(self.tmp, "missing.spec"))
        self.assertTrue(issubclass(flowcheck.Error, ValueError))

    def test_evaluation_errors(self):
        m = flowcheck.load("8gaussians")
        x = np.zeros((2, 2))
        self.raises(r"fc_path_eval: .*t must lie in \[0, 1\]",
                    flowcheck.velocity, m, x, 1.5)
        self.raises(r"fc_path_eval: .*finite", flowcheck.score, m,
                    [[0.0, np.nan]], 0.5)
        self.raises(r"schedule: 'sigmoid' is not a schedule",
                    flowcheck.logp, m, x, 0.5, schedule="sigmoid")
        self.raises(r"expected shape \(N, 2\)", flowcheck.div, m,
                    np.zeros((2, 3)), 0.5)
        # A point mass: undefined at t = 1, as for the command.
        pm = flowcheck.Mixture([1.0], [[0.0, 0.0]], np.zeros((1, 2, 2)))
        self.raises(r"fc_path_eval: ", flowcheck.velocity, pm, x, 1.0)

    def test_mixture_and_observation_errors(self):
        self.raises(r"component 0: .*", flowcheck.Mixture, [-1.0],
                    [[0.0, 0.0]], [np.eye(2)])
        self.raises(r"weights \(K,\)", flowcheck.Mixture, [1.0, 1.0],
                    [[0.0, 0.0]], [np.eye(2)])
        m = flowcheck.load("8gaussians")
        self.raises(r"fc_obs_check: ", flowcheck.posterior, m,
                    A=[[1.0, 0.0]], y=[1.0], sigma_y=-1.0)
        bad = os.path.join(self.tmp, "bad.obs")
        with open(bad, "w") as f:
            f.write("sigma 0.1\ny 1\nrow 1 0 0\n")
        self.raises(r"bad\.obs:3: ", flowcheck.posterior, m, bad)
        self.raises(r"not a guidance", flowcheck.sample, m, 3, "magic",
                    obs=self.obs)
        self.raises(r"gamma applies only", flowcheck.sample, m, 3, "exact",
                    obs=self.obs, gamma=2.0)

    def test_so3_errors(self):
        self.raises(r"R\[0\] is not a rotation", flowcheck.so3.log,
                    [np.diag([1.0, 1.0, -1.0])])
        self.raises(r"outside \[0, pi\]", flowcheck.so3.igso3_density,
                    [4.0], 0.5)
        self.raises(r"igso3_density: .*domain", flowcheck.so3.igso3_density,
                    [1.0], -0.5)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
