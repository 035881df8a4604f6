"""helpers.arguments: the shared checks name the argument and say what is expected."""

import numpy as np
import pytest

import jax

from helpers.arguments import real_array, real_number, whole_number


def test_real_arrays_pass_and_nonsense_fails():
    assert np.allclose(real_array([1, 2.5], "x"), [1.0, 2.5])
    for value, match in (("1.0", "x must be real numbers.*string"), (True, "boolean"), (None, "None"),
                         ([1, None], "ragged"), (np.array([1 + 1j]), "x must be real, got complex"),
                         ({"a": 1}, "dict")):
        with pytest.raises(TypeError, match=match):
            real_array(value, "x")
    with pytest.raises(ValueError, match=r"x must be positive \(a thing\); got -2\.0 at index 1"):
        real_array([1.0, -2.0], "x", positive=True, expected="a thing")
    with pytest.raises(ValueError, match="x must be >= 0; got -1.0"):
        real_number(-1.0, "x", nonnegative=True)
    with pytest.raises(ValueError, match="x must be a single number"):
        real_number([1.0, 2.0], "x")
    with pytest.raises(ValueError, match="finite"):
        real_array([[0.0, np.inf]], "x")


def test_tracers_skip_value_checks():
    f = jax.jit(lambda v: real_array(v, "x", positive=True).sum())
    assert float(f(np.array([-1.0, -2.0]))) == -3.0      # values unknown while tracing: not checked


def test_whole_numbers():
    assert whole_number(3, "n") == 3 and whole_number(3.0, "n") == 3 and whole_number(np.int64(4), "n") == 4
    for value, err in ((2.5, ValueError), (True, TypeError), ("3", TypeError), (np.nan, ValueError)):
        with pytest.raises(err, match="n must be a whole number"):
            whole_number(value, "n")
    with pytest.raises(ValueError, match="n must be at least 2"):
        whole_number(1, "n", minimum=2)
