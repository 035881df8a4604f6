"""Chapter 4: reference solutions, wrong answers, reference data."""

import numpy as np

from helpers.exercises.ch04 import (GRAPH_SEEDS, N_GRAPH_INPUTS, STACK_POINTS, heat_step, random_graph,
                                    unbroadcast_cases)


# --------------------------------------------------------------------------- solutions
def stack_program(x, z):
    stack = []
    stack.append((z, x))
    u = z * x
    stack.append(u)
    w = np.exp(u)
    stack.append((x, w))
    y_bar = 1.0
    x_, w_ = stack.pop()
    x_bar, w_bar = y_bar * w_, y_bar * x_
    u_ = stack.pop()
    u_bar = w_bar * np.exp(u_)
    z_, x2 = stack.pop()
    z_bar = u_bar * x2
    x_bar += u_bar * z_
    return x_bar, z_bar


def _dfs_order(y):
    """The nodes reachable from y, each after all of its parents (a topological order)."""
    order, seen = [], set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for parent, _ in node.parents:
                visit(parent)
            order.append(node)

    visit(y)
    return order


def _sweep(y, nodes):
    y.grad = 1.0
    for node in nodes:
        for parent, local in node.parents:
            parent.grad += node.grad * local


def topo_backward(y):
    _sweep(y, reversed(_dfs_order(y)))


def normalize_vjp(x, y_bar):
    r = np.linalg.norm(x)
    y = x / r
    return (y_bar - y * np.dot(y, y_bar)) / r


def unbroadcast(g, shape):
    g = np.sum(g, axis=tuple(range(np.ndim(g) - len(shape))))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1)
    return np.sum(g, axis=stretched, keepdims=True).reshape(shape)


def heat_step_vjp(u, r, u_bar_next):
    lap = u[2:] - 2 * u[1:-1] + u[:-2]
    w = r * u_bar_next[1:-1]                 # each interior row of S^T, weighted by its r_i
    u_bar = np.array(u_bar_next, dtype=float)
    u_bar[2:] += w
    u_bar[1:-1] -= 2 * w
    u_bar[:-2] += w
    return u_bar, lap * u_bar_next[1:-1]


# --------------------------------------------------------------------------- wrong answers
def _recursive(y):                            # forwards incomplete adjoints along every path
    y.grad = 1.0

    def go(node):
        for parent, d in node.parents:
            parent.grad += node.grad * d
            go(parent)
    go(y)


def _breadth_first(y):                        # BFS order is not a topological order
    y.grad = 1.0
    queue, seen = [y], {id(y)}
    while queue:
        node = queue.pop(0)
        for parent, d in node.parents:
            parent.grad += node.grad * d
            if id(parent) not in seen:
                seen.add(id(parent))
                queue.append(parent)


def _forward_order(y):                        # the topological order, not reversed
    _sweep(y, _dfs_order(y))


def _heat_not_transposed(u, r, u_bar_next):   # applies S instead of S^T
    u_bar = np.array(u_bar_next, dtype=float)
    u_bar[1:-1] += r * (u_bar_next[2:] - 2 * u_bar_next[1:-1] + u_bar_next[:-2])
    return u_bar, (u[2:] - 2 * u[1:-1] + u[:-2]) * u_bar_next[1:-1]


def _heat_r_from_new_state(u, r, u_bar_next):  # r_bar from the Laplacian of the new state
    u_bar, _ = heat_step_vjp(u, r, u_bar_next)
    v = heat_step(u, r)
    return u_bar, (v[2:] - 2 * v[1:-1] + v[:-2]) * u_bar_next[1:-1]


def _heat_no_identity(u, r, u_bar_next):      # forgets that u' contains u itself
    u_bar, r_bar = heat_step_vjp(u, r, u_bar_next)
    return u_bar - u_bar_next, r_bar


def _heat_mean_r(u, r, u_bar_next):           # treats r as uniform (its mean): S^T = S then
    return heat_step_vjp(u, np.full_like(r, r.mean()), u_bar_next)


SOLUTIONS = {
    "ch04.stack-program": stack_program,
    "ch04.topo-backward": topo_backward,
    "ch04.backward-rule": normalize_vjp,
    "ch04.unbroadcast": unbroadcast,
    "ch04.heat-step-vjp": heat_step_vjp,
}

WRONG = {
    "ch04.stack-program": [
        lambda x, z: (np.exp(z * x), x * x * np.exp(z * x)),                # x_bar misses z u_bar
        lambda x, z: (np.exp(z * x) * (1 + z * x), x * np.exp(z * x)),      # z_bar misses a factor x
        lambda x, z: (x * x * np.exp(z * x), np.exp(z * x) * (1 + z * x)),  # swapped
        lambda x, z: (np.exp(z * x) * (1 - z * x), x * x * np.exp(z * x)),  # sign of one path
    ],
    "ch04.topo-backward": [_recursive, _breadth_first, _forward_order],
    "ch04.backward-rule": [
        lambda x, y_bar: y_bar / np.linalg.norm(x),                                   # no projection
        lambda x, y_bar: y_bar - x / np.linalg.norm(x) * np.dot(x, y_bar) / np.linalg.norm(x),  # no 1/r
        lambda x, y_bar: (y_bar + x * np.dot(x, y_bar) / np.dot(x, x)) / np.linalg.norm(x),     # sign
    ],
    "ch04.unbroadcast": [
        lambda g, shape: np.broadcast_to(np.sum(g, axis=0), shape),
        lambda g, shape: np.sum(g, axis=tuple(range(np.ndim(g) - len(shape)))),       # leading only
        lambda g, shape: np.mean(g, axis=tuple(range(np.ndim(g) - len(shape)))) if shape else np.mean(g),
        lambda g, shape: np.reshape(np.sum(g.reshape(-1)[:int(np.prod(shape))]), ()) if not shape
        else g.reshape(-1)[:int(np.prod(shape))].reshape(shape),                       # truncation
    ],
    "ch04.heat-step-vjp": [_heat_not_transposed, _heat_r_from_new_state, _heat_no_identity, _heat_mean_r,
                           lambda u, r, b: (heat_step_vjp(u, r, b)[0] + 1e-3j, heat_step_vjp(u, r, b)[1])],  # complex
}


def _topo_reference():
    out = []
    for seed in GRAPH_SEEDS:
        nodes = random_graph(seed)
        topo_backward(nodes[-1])
        out.append(np.array([n.grad for n in nodes[:N_GRAPH_INPUTS]]))
    return out


REFERENCES = {
    "ch04.stack-program": lambda: [np.array(stack_program(x, z)) for x, z in STACK_POINTS],
    "ch04.topo-backward": _topo_reference,
    "ch04.unbroadcast": lambda: [unbroadcast(g, s) for g, s in unbroadcast_cases()],
}
