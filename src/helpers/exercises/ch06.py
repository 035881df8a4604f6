r"""Checks for chapter 6, custom adjoint rules (book/part2/ch06_custom_adjoint_rules.ipynb).

The backward rules are checked against finite differences of their forward functions
(``helpers.check.check_vjp``) on random, non-symmetric inputs from several seeds, so that a
forgotten transpose fails; values are compared with reference data computed by the
instructor's solutions (``instructor/solutions/ch06.py``) at the public inputs defined here.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from helpers.check import as_numbers, check_function, check_value, check_vjp
from helpers.exercises import exercise, reference
from helpers.check import _emit, first_failure, function_answer


# ----------------------------------------------------------------------------- data
def _random_matrix(seed: int, n: int = 4, diag: float = 3.0) -> np.ndarray:
    """A random, non-symmetric, well-conditioned n x n matrix (seeded)."""
    rng = np.random.default_rng(seed)
    return np.eye(n) * diag + rng.standard_normal((n, n))


#: Matrices of the matrix-inverse exercise: random, non-symmetric.
INVERSE_CASES = [_random_matrix(61), _random_matrix(63, 5)]
#: Matrices of the log-determinant exercise: random and non-symmetric (A^-T differs from A^-1),
#: one of them with a negative determinant (log |det A| has the same rule).
LOGDET_CASES = [_random_matrix(65, 4, 2.0), _random_matrix(66, 5, 2.0), -_random_matrix(67, 3, 2.0)]
#: The fixed-point map x = theta * tanh(W x + c) of the exercise: a random, non-symmetric W, a
#: fixed offset c, and parameters |theta| < 1, which make the map a contraction.
FP_W = 0.5 * np.random.default_rng(68).standard_normal((5, 5)) / np.sqrt(5)
FP_C = np.random.default_rng(74).standard_normal(5)
FP_THETAS = [np.random.default_rng(69).uniform(-1, 1, 5), np.random.default_rng(70).uniform(-1, 1, 5)]
WIRTINGER_Z = 0.6 - 0.3j


def hf_cases():
    """Tight-binding chains (on-site energies eps, positive hoppings t) of the Hellmann-Feynman
    exercise, seeded."""
    cases = []
    for seed, n in ((71, 6), (72, 7), (73, 5)):
        rng = np.random.default_rng(seed)
        cases.append((rng.uniform(-1.0, 1.0, n), rng.uniform(0.5, 1.5, n - 1)))
    return cases


def chain_hamiltonian(eps: np.ndarray, t: np.ndarray) -> np.ndarray:
    r"""The tight-binding chain :math:`H_{ii} = \varepsilon_i`, :math:`H_{i,i+1} = H_{i+1,i} = -t_i`."""
    return np.diag(eps) - np.diag(t, 1) - np.diag(t, -1)


def fixed_point(theta: np.ndarray, W: np.ndarray = FP_W, tol: float = 1e-15, max_iter: int = 1000) -> np.ndarray:
    r"""Solve :math:`x = \theta\odot\tanh(Wx + c)` by plain iteration (a contraction for
    :math:`|\theta_i| < 1` and this ``W``): the forward function of the fixed-point exercise."""
    x = np.zeros_like(theta, dtype=float)
    for _ in range(max_iter):
        x_new = theta * np.tanh(W @ x + FP_C)
        if np.max(np.abs(x_new - x)) <= tol:
            return x_new
        x = x_new
    return x


def taylor_candidates():
    r"""A function :math:`f(x) = \sum_i x_i^2 \sin x_i + \prod_i \cos x_i` and five candidate
    gradients ``[g0, ..., g4]``, written in different ways. Some of them are wrong."""

    def f(x):
        return float(np.sum(x**2 * np.sin(x)) + np.prod(np.cos(x)))

    def prod_grad(x):
        c = np.cos(x)
        return np.array([-np.sin(x[i]) * np.prod(np.delete(c, i)) for i in range(len(x))])

    def g0(x):
        return 2 * x * np.sin(x) + x**2 * np.cos(x) + prod_grad(x)

    def g1(x):
        return 2 * x * np.sin(x) + x**2 * np.cos(x) - prod_grad(x)

    def g2(x):
        return x * (2 * np.sin(x) + x * np.cos(x)) - np.tan(x) * np.prod(np.cos(x))

    def g3(x):
        g = 2 * x * np.sin(x) + x**2 * np.cos(x) + prod_grad(x)
        g[2] = x[2] * np.sin(x[2]) + x[2] ** 2 * np.cos(x[2]) + prod_grad(x)[2]
        return g

    def g4(x):
        return np.sin(x) * 2 * x + np.cos(x) * x * x - np.sin(x) / np.cos(x) * np.prod(np.cos(x))

    return f, [g0, g1, g2, g3, g4]


#: Where the candidate gradients are to be tested.
TAYLOR_SEED = 1


def taylor_point() -> np.ndarray:
    return np.random.default_rng(TAYLOR_SEED).uniform(-1.5, 1.5, 5)


# ----------------------------------------------------------------------------- checkers
def _pair_part(answer, k: int, what: str):
    def fn(*args):
        out = answer(*args)
        if isinstance(out, (tuple, list)) and len(out) == 2:
            return out[k]
        raise TypeError(f"it should return a pair {what}")
    return fn


@exercise("ch06.inverse-vjp", hints=(
    "Differentiate Y A = 1 (or A Y = 1) to write dY in terms of dA. Then take the inner product "
    "tr(Y_bar^T dY) and move every matrix off dA, using tr(X^T M dA N) = tr((M^T X N^T)^T dA).",
    "dY = -Y dA Y. Each matrix that you move from one side of dA to the other side of the inner "
    "product comes out transposed.",
))
@function_answer("Your inverse_vjp")
def _inverse_vjp(answer):
    def verdicts():
        for k, A in enumerate(INVERSE_CASES):
            n = A.shape[0]
            yield check_vjp(lambda a: np.linalg.inv(a.reshape(n, n)).reshape(-1),
                            lambda a, y_bar: np.asarray(answer(a.reshape(n, n), y_bar.reshape(n, n))).reshape(-1),
                            A.reshape(-1), quiet=True,
                            name=f"Your backward rule of the inverse (random non-symmetric matrix {k + 1})")

    return first_failure(verdicts(), "Your backward rule of the inverse is correct: A_bar = J^T Y_bar on "
                         f"{len(INVERSE_CASES)} random non-symmetric matrices, for random Y_bar.")


@exercise("ch06.logdet-vjp", hints=(
    "Write d(log det A) = tr(A^-1 dA) as an inner product <A_bar, dA> = sum_ij A_bar_ij dA_ij.",
    "tr(M dA) = sum_ij M_ji dA_ij: which matrix has entries M_ji?",
))
@function_answer("Your logdet_vjp")
def _logdet_vjp(answer):
    def verdicts():
        for k, A in enumerate(LOGDET_CASES):
            n = A.shape[0]
            yield check_vjp(lambda a: np.linalg.slogdet(a.reshape(n, n))[1],
                            lambda a, y_bar: np.asarray(answer(a.reshape(n, n), float(y_bar))).reshape(-1),
                            A.reshape(-1), quiet=True,
                            name=f"Your backward rule of log det (random non-symmetric matrix {k + 1})")

    return first_failure(verdicts(), f"Your backward rule of log det is correct on {len(LOGDET_CASES)} random "
                         "non-symmetric matrices.")


def _describe_chain(case) -> str:
    eps, _ = case
    return f"a random chain of {eps.size} sites"


@exercise("ch06.hellmann-feynman", hints=(
    "Differentiate H psi = E psi, take the inner product with psi and use that H is symmetric and "
    "psi normalised: the change of psi drops out.",
    "dE0 = psi^T dH psi. Which entries of H does eps_i change, and which does t_i change (both "
    "H_{i,i+1} and H_{i+1,i})?",
))
@function_answer("Your energy_gradient")
def _hellmann_feynman(answer):
    refs = reference("ch06.hellmann-feynman")
    cases = hf_cases()
    return first_failure(
        (check_function(_pair_part(answer, k, "(dE0/d eps, dE0/d t)"), [r[k] for r in refs], cases, unpack=True,
                        rtol=1e-9, name=f"The {what} of your energy_gradient", describe=_describe_chain, quiet=True)
         for k, what in ((0, "dE0/d eps"), (1, "dE0/d t"))),
        f"Your Hellmann-Feynman gradients are correct on {len(cases)} random chains.")


@exercise("ch06.fixed-point-vjp", hints=(
    "Differentiate the equation x* = g(x*, theta) rather than the iterations: dx* appears on "
    "both sides. Solve for dx*, then transpose the linear map from dtheta to dx*.",
    "Here d_x g = diag(theta * (1 - t^2)) W and d_theta g = diag(t) with t = tanh(W x* + c); "
    "the adjoint needs the transposed system (I - d_x g)^T lambda = x_bar.",
))
@function_answer("Your fixed_point_vjp")
def _fixed_point_vjp(answer):

    def rule(theta, x_bar):
        return np.asarray(answer(theta, fixed_point(theta), x_bar), dtype=float)

    # A complex (or non-numeric) theta_bar must be refused, not cast to its real part.
    probe_theta = FP_THETAS[0]
    out = answer(probe_theta, fixed_point(probe_theta), np.random.default_rng(75).standard_normal(probe_theta.size))
    if out is not None:
        _, problem = as_numbers(out)
        if problem is not None:
            return _emit("wrong", "Your fixed_point_vjp should return a real array theta_bar (one number per "
                         f"parameter), but it returned {problem}.", False)
    return first_failure((check_vjp(fixed_point, rule, theta, quiet=True,
                                    name=f"Your implicit adjoint of the fixed point (test case {k + 1})")
                          for k, theta in enumerate(FP_THETAS)),
                         "Your implicit adjoint of the fixed point is correct: it equals J^T x_bar for "
                         "random x_bar, at two parameter vectors.")


@exercise("ch06.wirtinger", hints=(
    "Write f in terms of z and its conjugate (call it w): |z|^2 = z w, and Re u = (u + conj u)/2. "
    "Then differentiate with respect to w, holding z fixed.",
    "|z|^4 = (z w)^2 and Re z^3 = (z^3 + w^3)/2; at the end put w = conj(z).",
))
def _wirtinger(answer) -> object:
    return check_value(answer, reference("ch06.wirtinger"), rtol=1e-8, allow_complex=True,
                       name="Your df/d(conj z)")


@exercise("ch06.taylor-detect", hints=(
    "Run taylor_test on each candidate at the given point and read the fitted order: what order "
    "does a right gradient give, and what order a wrong one?",
    "A wrong gradient leaves a first-order remainder; give the indices whose order is near 1, "
    "in ascending order.",
))
def _taylor_detect(answer) -> object:
    if isinstance(answer, (list, tuple)) and any(isinstance(a, (bool, np.bool_)) for a in answer):
        return _emit("wrong", "Your list of the wrong gradients' indices should hold whole numbers (the "
                     "indices), but it has a boolean (True/False) in it.", False)
    arr, _ = as_numbers(answer)
    if arr is not None and arr.ndim == 1:
        answer = np.sort(arr)                        # the order of the indices does not matter
    return check_value(answer, reference("ch06.taylor-detect"), integer=True,
                       name="Your list of the wrong gradients' indices")
