"""Checks for chapter 4, "Reverse mode with a tape"."""

from __future__ import annotations

import numpy as np

from helpers.check import _emit, check_function, check_value, check_vjp
from helpers.exercises import exercise


# --------------------------------------------------------------------------- the stack program
def stack_program_adjoints(x: float, z: float) -> tuple[float, float]:
    """Reference (x_bar, z_bar) for y = x * exp(z * x) with y_bar = 1."""
    e = np.exp(z * x)
    return (e * (1 + z * x), x * x * e)


@exercise("ch04.stack-program")
def _stack_program(answer):
    points = [(0.6, 1.7), (-1.2, 0.3), (2.0, -0.5), (0.0, 4.0)]
    return check_function(answer, stack_program_adjoints, points, unpack=True, rtol=1e-12,
                          name="Your (x_bar, z_bar)",
                          hint="pop in the reverse order of the pushes; the adjoint of the product "
                               "u = z*x feeds both x and z, and x also feeds the final product")


# --------------------------------------------------------------------------- topological backward
class GraphNode:
    """A scalar node: ``value``, ``parents`` = list of (parent node, ∂self/∂parent), ``grad``."""

    def __init__(self, value: float, parents=()):
        self.value, self.parents, self.grad = value, list(parents), 0.0

    def __repr__(self) -> str:
        return f"GraphNode(value={self.value:.3g}, grad={self.grad:.3g})"


def _random_graph(seed: int, n_nodes: int = 25) -> list[GraphNode]:
    """A random DAG with heavy fan-out; the last node is the output."""
    rng = np.random.default_rng(seed)
    nodes = [GraphNode(float(v)) for v in rng.standard_normal(3)]
    for _ in range(n_nodes):
        k = int(rng.integers(1, 3))
        # prefer recent nodes but reuse old ones too: fan-out and diamonds
        idx = rng.choice(len(nodes), size=k, replace=False,
                         p=np.linspace(1, 3, len(nodes)) / np.linspace(1, 3, len(nodes)).sum())
        parents = [(nodes[int(i)], float(rng.uniform(-1.5, 1.5))) for i in idx]
        nodes.append(GraphNode(float(rng.standard_normal()), parents))
    # the output depends on the last few nodes, so that most of the graph is reachable
    nodes.append(GraphNode(0.0, [(nodes[-1], 1.0), (nodes[-2], 0.5), (nodes[-3], -0.7)]))
    return nodes


def reference_backward(y: GraphNode) -> None:
    """Reverse topological order by depth-first search, then one sweep."""
    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent, _ in node.parents:
            visit(parent)
        order.append(node)

    visit(y)
    y.grad = 1.0
    for node in reversed(order):
        for parent, d in node.parents:
            parent.grad += node.grad * d


@exercise("ch04.topo-backward")
def _topo_backward(answer):
    if not callable(answer):
        return _emit("wrong", "Your answer should be a function backward(y).", False)
    for seed in range(5):
        mine, ref = _random_graph(seed), _random_graph(seed)
        answer(mine[-1])
        reference_backward(ref[-1])
        v = check_value([n.grad for n in mine], [n.grad for n in ref], rtol=1e-12, atol=1e-12,
                        name=f"The adjoints of random graph {seed}", quiet=True,
                        hint="a node may pass its adjoint to its parents only once every child has "
                             "added its contribution: order the nodes topologically first")
        if not v:
            return _emit("wrong", v.message.split(" ", 1)[1], False)
    return _emit("correct", "Your backward pass is correct on 5 random graphs with fan-out.", False)


# --------------------------------------------------------------------------- a backward rule
_X_NORMALIZE = np.array([0.5, -1.2, 2.0, 0.3])


def normalize(x: np.ndarray) -> np.ndarray:
    """y = x / |x|."""
    return x / np.linalg.norm(x)


def normalize_vjp(x: np.ndarray, y_bar: np.ndarray) -> np.ndarray:
    """Reference: x_bar = (y_bar - y (y · y_bar)) / |x|."""
    r = np.linalg.norm(x)
    y = x / r
    return (y_bar - y * np.dot(y, y_bar)) / r


@exercise("ch04.backward-rule")
def _backward_rule(answer):
    return check_vjp(normalize, answer, _X_NORMALIZE, name="Your backward rule for x/|x|")


# --------------------------------------------------------------------------- unbroadcast
def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Reference: sum g over the axes broadcasting added (leading) or stretched (size 1)."""
    g = np.asarray(g)
    g = g.sum(axis=tuple(range(g.ndim - len(shape))))
    return g.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True).reshape(shape)


def _unbroadcast_cases():
    rng = np.random.default_rng(4)
    shapes = [((4, 3), (3,)), ((4, 3), (1, 3)), ((4, 3), (4, 1)), ((2, 4, 3), (4, 1)),
              ((4, 3), ()), ((5,), (5,)), ((2, 1, 3), (1, 1, 3))]
    return [(rng.standard_normal(gs), s) for gs, s in shapes]


@exercise("ch04.unbroadcast")
def _unbroadcast(answer):
    return check_function(answer, unbroadcast, _unbroadcast_cases(), unpack=True, rtol=1e-12,
                          name="Your unbroadcast",
                          hint="first sum over the leading axes that broadcasting added, then over "
                               "each axis where the input had length 1 (keepdims=True)")
