"""Checks for chapter 4, "Reverse mode with a tape".

The reference answers are data computed by the instructor's solutions
(``instructor/solutions/ch04.py``) at the public inputs defined here.
"""

from __future__ import annotations

import numpy as np

from helpers.check import _emit, as_numbers, check_function, check_value, check_vjp, first_failure, function_answer
from helpers.exercises import exercise, reference

# --------------------------------------------------------------------------- the stack program
#: Points (x, z) at which the adjoints of y = x exp(z x) are checked.
STACK_POINTS = [(0.6, 1.7), (-1.2, 0.3), (2.0, -0.5), (0.0, 4.0)]


@exercise("ch04.stack-program", hints=(
    "Push, during the forward sweep, exactly what each backward rule will need, and pop in the "
    "reverse order. Write one backward line per forward line.",
    "x is used twice (in u = z x and in y = x w), so x_bar is a sum of two contributions; "
    "the adjoint of w = exp(u) is turned into u_bar by the derivative of exp.",
))
def _stack_program(answer):
    return check_function(answer, reference("ch04.stack-program"), STACK_POINTS, unpack=True,
                          rtol=1e-12, name="Your (x_bar, z_bar)",
                          hint="entry 0 is x_bar, entry 1 is z_bar: work that adjoint out on paper for "
                               "one input and compare it with each pop of your backward sweep.")


# --------------------------------------------------------------------------- topological backward
class GraphNode:
    """A scalar node: ``value``, ``parents`` = list of (parent node, ∂self/∂parent), ``grad``."""

    def __init__(self, value: float, parents=()):
        self.value, self.parents, self.grad = value, list(parents), 0.0

    def __repr__(self) -> str:
        return f"GraphNode(value={self.value:.3g}, grad={self.grad:.3g})"


#: Seeds of the random graphs the backward pass is tested on; each graph has three inputs (its
#: first three nodes), whose adjoints (the gradient) are compared.
GRAPH_SEEDS = (0, 1, 2, 3, 4)
N_GRAPH_INPUTS = 3


def random_graph(seed: int, n_nodes: int = 25) -> list[GraphNode]:
    """A random DAG with heavy fan-out and diamonds; the last node is the output ``y``. The
    nodes are returned in creation order, but the learner's function only gets ``y``."""
    rng = np.random.default_rng(seed)
    nodes = [GraphNode(float(v)) for v in rng.standard_normal(3)]
    for _ in range(n_nodes):
        k = int(rng.integers(1, 3))
        weights = np.linspace(1, 3, len(nodes))        # prefer recent nodes, reuse old ones too
        idx = rng.choice(len(nodes), size=k, replace=False, p=weights / weights.sum())
        parents = [(nodes[int(i)], float(rng.uniform(-1.5, 1.5))) for i in idx]
        nodes.append(GraphNode(float(rng.standard_normal()), parents))
    nodes.append(GraphNode(0.0, [(nodes[-1], 1.0), (nodes[-2], 0.5), (nodes[-3], -0.7)]))
    return nodes


@exercise("ch04.topo-backward", hints=(
    "A node may pass its adjoint to its parents only when it is complete, i.e. after every node "
    "that uses it has passed its contribution. Which order of the nodes guarantees that?",
    "A depth-first search that appends a node after all of its parents gives a topological "
    "order; visit each node once (remember which you have seen) and sweep that order reversed.",
))
@function_answer("Your backward(y)")
def _topo_backward(answer):
    refs = reference("ch04.topo-backward")

    def verdicts():
        for seed, ref in zip(GRAPH_SEEDS, refs):
            nodes = random_graph(seed)
            try:
                answer(nodes[-1])
            except RecursionError:
                yield _emit("wrong", f"Your backward pass recursed too deeply on random graph {seed}: "
                            "it revisits nodes. Visit each node once.", True)
                return
            yield check_value([n.grad for n in nodes[:N_GRAPH_INPUTS]], ref, rtol=1e-12, atol=1e-12,
                              name=f"The gradient your backward pass leaves on the three inputs of random graph {seed}",
                              quiet=True, diagnose=True,
                              hint="is every node processed exactly once, and only after every node "
                                   "that uses it?")

    return first_failure(verdicts(), f"Your backward pass is correct on {len(GRAPH_SEEDS)} random graphs "
                         "with fan-out.")


# --------------------------------------------------------------------------- a backward rule
#: Points at which the backward rule of x / |x| is checked (each with two random y_bar).
NORMALIZE_POINTS = [np.array([0.5, -1.2, 2.0, 0.3]), np.array([-0.7, 0.1, 0.4, 1.9, -1.3])]


def normalize(x: np.ndarray) -> np.ndarray:
    """y = x / |x| (the forward function of the exercise)."""
    return x / np.linalg.norm(x)


@exercise("ch04.backward-rule", hints=(
    "Write the differential dy in terms of dx (differentiate x/r with r = |x|, and dr), then "
    "take the inner product with y_bar and read off what multiplies dx.",
    "dr = y · dx, so dy = (dx - y (y · dx)) / r; the matrix of this map is symmetric.",
))
def _backward_rule(answer):
    return first_failure((check_vjp(normalize, answer, x, name="Your backward rule for x/|x|", quiet=True)
                          for x in NORMALIZE_POINTS),
                         "Your backward rule for x/|x| is correct: it equals J^T y_bar at "
                         f"{len(NORMALIZE_POINTS)} points, for random y_bar.")


# --------------------------------------------------------------------------- unbroadcast
#: (adjoint shape, input shape) pairs of the unbroadcast check: leading axes added, axes of
#: length 1 stretched, both, and the scalar case.
UNBROADCAST_SHAPES = [((4, 3), (3,)), ((4, 3), (1, 3)), ((4, 3), (4, 1)), ((2, 4, 3), (4, 1)),
                      ((4, 3), ()), ((5,), (5,)), ((2, 1, 3), (1, 1, 3)), ((3, 2, 5), (2, 1))]


def unbroadcast_cases():
    """The test inputs (g, shape): random adjoints g of the broadcast shapes, seeded."""
    rng = np.random.default_rng(4)
    return [(rng.standard_normal(gs), s) for gs, s in UNBROADCAST_SHAPES]


def _describe_unbroadcast(case) -> str:
    g, shape = case
    return f"an adjoint of shape {g.shape} and shape={shape!r}"


@exercise("ch04.unbroadcast", hints=(
    "Broadcasting uses one entry of the input in many places: fan-out. What does fan-out do to "
    "the adjoints coming back from those places?",
    "Compare g.ndim with len(shape): where do g's extra leading axes come from? Then look for "
    "the axes on which shape has length 1 and g does not.",
))
def _unbroadcast(answer):
    return check_function(answer, reference("ch04.unbroadcast"), unbroadcast_cases(), unpack=True,
                          rtol=1e-12, name="Your unbroadcast", describe=_describe_unbroadcast)


# --------------------------------------------------------------------------- heat-equation step
def heat_step(u: np.ndarray, r: np.ndarray) -> np.ndarray:
    r"""One explicit step of the heat equation with a diffusion number per interior point:
    :math:`u'_i = u_i + r_i (u_{i+1} - 2u_i + u_{i-1})` for :math:`0 < i < M-1`, fixed ends.
    ``u`` has length M, ``r`` length M - 2."""
    out = np.array(u, dtype=float)
    out[1:-1] += r * (u[2:] - 2 * u[1:-1] + u[:-2])
    return out


def heat_cases():
    """The test inputs (u, r, u_bar_next): random profiles, non-uniform r, random adjoints."""
    cases = []
    for seed, m in ((11, 7), (12, 9), (13, 6)):
        rng = np.random.default_rng(seed)
        cases.append((rng.standard_normal(m), rng.uniform(0.05, 0.45, m - 2), rng.standard_normal(m)))
    return cases


def _part(answer, k: int):
    """The k-th entry of the learner's pair (or the whole output if it is not a pair)."""
    def fn(u, r, u_bar_next):
        out = answer(u, r, u_bar_next)
        if isinstance(out, (tuple, list)) and len(out) == 2:
            return out[k]
        raise TypeError("heat_step_vjp should return a pair (u_bar, r_bar)")
    return fn


@exercise("ch04.heat-step-vjp", hints=(
    "Write the differential of one step: du' in terms of du (a matrix S that depends on r) plus "
    "a term in dr. Then take the inner product with u_bar_next and read off u_bar and r_bar.",
    "u_bar = S^T u_bar_next: S is not symmetric when r varies (and at the fixed ends), so each "
    "interior u_bar_next_i sends r_i-weighted contributions to u_{i-1}, u_i and u_{i+1}.",
))
@function_answer("Your heat_step_vjp")
def _heat_step_vjp(answer):
    cases = heat_cases()
    # What the learner returns must be a pair of real arrays: refuse None, a single array, complex
    # or non-numeric entries here (the VJP test below would cast complex values to real).
    u0, r0, b0 = cases[0]
    out = answer(u0.copy(), r0.copy(), b0.copy())
    if out is None:
        return _emit("wrong", "Your heat_step_vjp returned None: is a return statement missing?", False)
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        return _emit("wrong", "Your heat_step_vjp should return a pair (u_bar, r_bar), like "
                     "return u_bar, r_bar.", False)
    for what, part in zip(("u_bar", "r_bar"), out):
        _, problem = as_numbers(part)
        if problem is not None:
            return _emit("wrong", f"The {what} of your heat_step_vjp should be a real array, but it is {problem}.",
                         False)

    def verdicts():
        for k, (u, r, _) in enumerate(cases):
            m = u.size

            def rule(p, u_bar_next, m=m):              # the learner's pair, packed as (u_bar, r_bar)
                u_bar = np.asarray(_part(answer, 0)(p[:m], p[m:], u_bar_next), dtype=float)
                r_bar = np.asarray(_part(answer, 1)(p[:m], p[m:], u_bar_next), dtype=float)
                if u_bar.shape != (m,) or r_bar.shape != (m - 2,):
                    raise ValueError(f"u_bar should have {m} entries (like u) and r_bar {m - 2} (like r), "
                                     f"got {u_bar.size} and {r_bar.size}")
                return np.concatenate([u_bar, r_bar])

            yield check_vjp(lambda p, m=m: heat_step(p[:m], p[m:]), rule, np.concatenate([u, r]),
                            quiet=True, seed=(2 * k, 2 * k + 1),
                            name=f"Your (u_bar, r_bar) for random case {k + 1} (entries 0 to {m - 1} are "
                            f"u_bar, {m} to {2 * m - 3} are r_bar)")

    return first_failure(verdicts(), f"Your adjoint of the heat step is correct: u_bar and r_bar on "
                         f"{len(cases)} random, non-uniform cases, for random u_bar_next.")
