r"""Checks for chapter 5, autodiff in practice (book/part2/ch05_autodiff_in_practice.ipynb).

The reference answers are data computed by the instructor's solutions
(``instructor/solutions/ch05.py``) at the public inputs defined here.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from helpers.check import _emit, check_function, check_value, check_vjp, finite_difference_gradient
from helpers.exercises import exercise, reference
from helpers.check import first_failure, function_answer

# ----------------------------------------------------------------------------- data
#: Masses of the FPUT chain (8 particles) at which the normal-mode frequencies are checked:
#: uniform, a diatomic chain (light and heavy alternating) and random masses.
MASS_CASES = [np.ones(8), np.tile([1.0, 3.0], 4),
              np.random.default_rng(55).uniform(0.5, 2.5, 8)]

_rng = np.random.default_rng(5)
PER_EXAMPLE_X = _rng.standard_normal((8, 3))
PER_EXAMPLE_Y = _rng.uniform(-0.5, 0.5, 8)
PER_EXAMPLE_W = np.array([0.4, -0.2, 0.7])
LOGSUMEXP_X = _rng.standard_normal(6) * 2
#: Points of the logsumexp check: ordinary values, and values so large that exp overflows.
LOGSUMEXP_POINTS = [LOGSUMEXP_X, np.array([800.0, 801.5, 799.0, 802.0])]
JIT_POINTS = [-2.0, -0.5, 0.0, 0.3, 0.99, 1.0, 1.7, 3.0]


def response_cases():
    """Test spectra for the linear-response exercise: ascending, non-degenerate energies ``E``
    and a random orthogonal matrix ``psi`` whose columns are the eigenvectors (seeded)."""
    cases = []
    for seed, n in ((21, 5), (22, 6), (23, 4)):
        rng = np.random.default_rng(seed)
        E = np.cumsum(rng.uniform(0.3, 1.5, n)) - 2.0
        psi, _ = np.linalg.qr(rng.standard_normal((n, n)))
        cases.append((E, psi))
    return cases


def logsumexp(x: np.ndarray) -> float:
    """Numerically stable :math:`\\log\\sum_i e^{x_i}` (the forward function of the exercise)."""
    c = np.max(x)
    return float(c + np.log(np.sum(np.exp(x - c))))


def branchy(x: float) -> float:
    """The function of the jit exercise, written with a Python ``if`` (not jittable)."""
    if x > 1.0:
        return x**2
    return 2.0 * x - 1.0


# ----------------------------------------------------------------------------- checkers
def _describe_masses(masses) -> str:
    return f"the masses {np.array2string(np.asarray(masses), precision=2, separator=', ')}"


@exercise("ch05.normal-modes", hints=(
    "Linearize Newton's equations m_i u_i'' = -dV/du_i about the chain at rest: the matrix that "
    "appears is the Hessian of the energy. A normal mode oscillates as u(t) = a cos(omega t).",
    "The modes solve H a = omega^2 M a with M = diag(masses): a symmetric eigenproblem for "
    "M^(-1/2) H M^(-1/2). Return omega, not omega^2, sorted.",
))
def _normal_modes(answer):
    return check_function(answer, reference("ch05.normal-modes"), MASS_CASES, rtol=1e-9,
                          name="Your frequencies", describe=_describe_masses)


@exercise("ch05.per-example-grads", hints=(
    "jax.grad differentiates a function of one example; jax.vmap maps a function over a batch. "
    "Which arguments of the per-example loss should be mapped, and which one is shared?",
    "in_axes gives, for each argument, the axis to map over, or None for an argument shared by "
    "all examples. The result has one row per example.",
))
def _per_example(answer) -> object:
    # refereed with central finite differences of each example's loss (accurate to ~1e-9)
    def example_loss(w, i):
        return float((np.tanh(PER_EXAMPLE_X[i] @ w) - PER_EXAMPLE_Y[i]) ** 2)

    fd = np.stack([finite_difference_gradient(lambda w, i=i: example_loss(w, i), PER_EXAMPLE_W)
                   for i in range(len(PER_EXAMPLE_Y))])
    return check_value(answer, fd, rtol=1e-6, atol=1e-9, name="Your array of per-example gradients")


@exercise("ch05.logsumexp-vjp", hints=(
    "Differentiate y = log sum_j exp(x_j) with respect to one x_i, then multiply by y_bar.",
    "dy/dx_i = exp(x_i) / sum_j exp(x_j), the softmax; subtract max(x) before exponentiating, "
    "or large inputs overflow.",
))
@function_answer("Your logsumexp_vjp")
def _logsumexp_vjp(answer):
    return first_failure((check_vjp(logsumexp, lambda x, y_bar: answer(x, float(y_bar)), x, quiet=True,
                                    name="Your backward rule of logsumexp"
                                    + (" at inputs near 800, where exp(x) overflows," if x.max() > 100 else ""))
                          for x in LOGSUMEXP_POINTS),
                         "Your backward rule of logsumexp is correct: it equals J^T y_bar for random "
                         "y_bar, also for inputs near 800.")


@exercise("ch05.jit-safe", hints=(
    "Under jax.jit the argument is an abstract tracer with a shape but no value, so a Python "
    "if cannot ask whether x > 1. Compute what both branches give and select between them.",
    "jnp.where(condition, a, b) selects elementwise between two arrays that were both computed.",
))
@function_answer("Your branch-free function")
def _jit_safe(answer):
    import helpers

    jax = helpers.jax_cpu()
    try:
        jitted = jax.jit(answer)
        jitted(0.5)
    except NotImplementedError:
        raise
    except jax.errors.ConcretizationTypeError:
        return _emit("wrong", "jax.jit cannot trace your function: it still branches on the value of "
                     "its argument with a Python if (or converts it with float/bool).", False)
    except jax.errors.TracerArrayConversionError:
        return _emit("wrong", "jax.jit cannot trace your function: it hands the traced argument to a "
                     "plain numpy function (np.where, np.sin, ...), which needs a concrete array. Use "
                     "the jax.numpy versions (jnp.where, ...).", False)
    v = check_function(lambda x: float(jitted(x)), [branchy(x) for x in JIT_POINTS], JIT_POINTS,
                       rtol=1e-12, name="Your jitted function", quiet=True)
    if v.status == "wrong" and "point" in v.details:
        # A finite real value that differs: a branch or a threshold is wrong. Say so, instead of the
        # generic diagnosis of a single number ("off by a constant factor", "close but not accurate").
        x = v.details["point"]
        try:
            got = float(jitted(x))
        except Exception:  # noqa: BLE001 - not a plain number: keep the type message
            return v
        if np.isfinite(got):
            return _emit("wrong", f"Your jitted function, called with {x:g}, does not give what "
                         f"ch05.branchy({x:g}) gives: which branch does that x take, and is the formula "
                         "of that branch right?", False, point=x)
    return v


def _describe_spectrum(case) -> str:
    E, _ = case
    return f"a random spectrum of {E.size} levels with random orthonormal eigenvectors"


@exercise("ch05.linear-response", hints=(
    "Perturb H by dH = diag(dV). First-order perturbation theory gives the change of the ground "
    "state as a sum over the excited states; then rho_i = psi_0i^2 changes by 2 psi_0i dpsi_0i.",
    "dpsi_0 = sum_{n>0} psi_n (psi_n . dH psi_0) / (E_0 - E_n), and psi_n . diag(dV) psi_0 = "
    "sum_j psi_nj psi_0j dV_j. Eigenvectors are the columns of psi.",
))
def _linear_response(answer) -> object:
    return check_function(answer, reference("ch05.linear-response"), response_cases(), unpack=True,
                          rtol=1e-10, name="Your response matrix", describe=_describe_spectrum)
