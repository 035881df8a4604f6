r"""Forward-mode automatic differentiation with dual numbers.

A dual number carries a value and its first-order change along ``k`` independent
infinitesimals :math:`\varepsilon^1, \dots, \varepsilon^k` with :math:`\varepsilon^i\varepsilon^j = 0`,

.. math::  x = a + \sum_{i=1}^{k} b_i\,\varepsilon^i, \qquad
           f(x) = f(a) + f'(a) \sum_i b_i\,\varepsilon^i ,

which is Taylor's expansion cut after the first order. ``Dual(value, partials)`` stores
:math:`a` (a float or an array) in ``value`` and the :math:`b_i` in ``partials``, an array with
one trailing axis of length ``k``: ``partials.shape == value.shape + (k,)``. Every primitive
below maps a dual to a dual by the chain rule, so running an ordinary program on duals returns
the program's value and its directional derivatives (a Jacobian-vector product) in one pass.

The value and the partials may themselves be duals (a *dual of duals*): the outer
infinitesimals then differentiate the inner derivatives, which gives second derivatives
(:func:`hessian`).

Entry points: :func:`derivative`, :func:`jvp`, :func:`jacobian`, :func:`hessian`; the elementary
functions ``sin, cos, tan, exp, log, sqrt, tanh, sinh, cosh, arctan, abs, maximum, where, sum,
dot`` accept floats, numpy arrays and duals. numpy's own ``np.sin(d)``, ``np.sum(d)``, ... also
work on duals (through numpy's dispatch protocols); a numpy function without a rule raises a
``TypeError`` that lists what is supported.
"""

from __future__ import annotations

import builtins
import numbers
from typing import Any, Callable

import numpy as np

__all__ = ["Dual", "derivative", "jvp", "jacobian", "hessian", "sin", "cos", "tan", "exp",
           "log", "sqrt", "tanh", "sinh", "cosh", "arctan", "abs", "maximum", "where", "sum",
           "dot", "matmul", "stack", "concatenate", "split", "sign", "scatter_add", "primal", "SUPPORTED"]

_NUMERIC = "floats, ints, numpy arrays of numbers and Dual numbers"


def _new(value: Any, partials: Any) -> "Dual":
    """Build a Dual without validation (the fast path used by every primitive)."""
    d = object.__new__(Dual)
    d.value, d.partials = value, partials
    return d


def _check(x: Any, op: str) -> Any:
    """Return x if it is numeric (a number or an array of numbers), else raise TypeError."""
    if isinstance(x, (Dual, numbers.Number, np.ndarray, np.generic)):
        if isinstance(x, np.ndarray) and x.dtype.kind not in "biufc":
            raise TypeError(f"{op}: cannot take an array of dtype {x.dtype}; expected {_NUMERIC}")
        return x
    if isinstance(x, (list, tuple)):
        return _check(np.asarray(x), op)
    raise TypeError(f"{op}: cannot take a {type(x).__name__}; expected {_NUMERIC}")


def _shape(x: Any) -> tuple:
    return getattr(x, "shape", ())


def primal(x: Any) -> Any:
    """The plain value under any number of dual layers (used for comparisons and branches)."""
    while isinstance(x, Dual):
        x = x.value
    return x


def _ex(x: Any) -> Any:
    """Append an axis so that a value-shaped factor broadcasts against partials."""
    if isinstance(x, (np.ndarray, Dual)):
        return expand_dims(x, -1)
    return x


# --------------------------------------------------------------------------- the number
class Dual:
    """A dual number ``value + partials · ε`` with ``k = partials.shape[-1]`` infinitesimals.

    ``Dual(2.0, [1.0])`` is :math:`2 + \\varepsilon`; ``Dual(np.ones(3), np.eye(3))`` seeds one
    infinitesimal per entry. Comparisons act on the value, so branches in a program follow the
    same path as without duals.
    """

    __slots__ = ("value", "partials")
    __array_priority__ = 1000

    def __init__(self, value: Any, partials: Any) -> None:
        value = _check(value, "Dual")
        if not isinstance(value, Dual):
            value = np.asarray(value, dtype=float) if _shape(value) else float(value)
        if not isinstance(partials, Dual):
            partials = np.asarray(_check(partials, "Dual"), dtype=float)
        if _shape(value) == () and len(_shape(partials)) == 0:
            partials = np.reshape(partials, (1,))
        if len(_shape(partials)) != len(_shape(value)) + 1 or _shape(partials)[:-1] != _shape(value):
            raise ValueError(f"Dual: partials must have shape value.shape + (k,), i.e. "
                             f"{_shape(value)} + (k,), got {_shape(partials)}")
        self.value, self.partials = value, partials

    # -- array-like attributes
    shape = property(lambda self: _shape(self.value))
    ndim = property(lambda self: len(_shape(self.value)))
    size = property(lambda self: int(np.prod(_shape(self.value))))
    k = property(lambda self: _shape(self.partials)[-1], doc="number of infinitesimals")
    T = property(lambda self: transpose(self))

    def __len__(self) -> int:
        return len(self.value)

    def __bool__(self) -> bool:                           # `if x:` reads the value
        return bool(primal(self))

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, {self.partials!r})"

    # -- arithmetic: value and first-order term side by side
    def __add__(a, b):
        if not isinstance(b, Dual):
            y = a.value + _check(b, "+")
            return _new(y, _fit(a.partials, _shape(y)))
        y = a.value + b.value
        return _new(y, _fit(a.partials, _shape(y)) + _fit(b.partials, _shape(y)))

    __radd__ = __add__

    def __neg__(a):
        return _new(-a.value, -a.partials)

    def __pos__(a):
        return a

    def __sub__(a, b):
        return a + (-b)

    def __rsub__(a, b):
        return (-a) + b

    def __mul__(a, b):                                   # (a + a'ε)(b + b'ε) = ab + (a'b + ab')ε
        if not isinstance(b, Dual):
            b = _check(b, "*")
            return _new(a.value * b, a.partials * _ex(b))
        return _new(a.value * b.value, a.partials * _ex(b.value) + _ex(a.value) * b.partials)

    __rmul__ = __mul__

    def __truediv__(a, b):                               # (a/b)' = (a' - (a/b) b') / b
        if not isinstance(b, Dual):
            b = _check(b, "/")
            return _new(a.value / b, a.partials / _ex(b))
        y = a.value / b.value
        return _new(y, (a.partials - _ex(y) * b.partials) / _ex(b.value))

    def __rtruediv__(a, b):                              # (b/a)' = -(b/a) a' / a
        y = _check(b, "/") / a.value
        return _new(y, -_ex(y / a.value) * a.partials)

    def __pow__(a, b):                                   # (a^b)' = b a^(b-1) a' + log(a) a^b b'
        if not isinstance(b, Dual):
            b = _check(b, "**")
            return _new(a.value ** b, _ex(b * a.value ** (b - 1)) * a.partials)
        y = a.value ** b.value
        return _new(y, _ex(b.value * a.value ** (b.value - 1)) * a.partials
                    + _ex(log(a.value) * y) * b.partials)

    def __rpow__(a, b):                                  # (b^a)' = log(b) b^a a'
        b = _check(b, "**")
        y = b ** a.value
        return _new(y, _ex(log(b) * y) * a.partials)

    def __matmul__(a, b):
        return matmul(a, b)

    def __rmatmul__(a, b):
        return matmul(b, a)

    def __abs__(a):
        return abs(a)

    # -- comparisons look at the value only, so `if x > 0:` works
    def __lt__(a, b): return primal(a) < primal(b)
    def __le__(a, b): return primal(a) <= primal(b)
    def __gt__(a, b): return primal(a) > primal(b)
    def __ge__(a, b): return primal(a) >= primal(b)
    def __eq__(a, b): return primal(a) == primal(b)
    def __ne__(a, b): return primal(a) != primal(b)
    __hash__ = None

    # -- indexing and shape manipulation act on the value axes; the ε axis rides along
    def __getitem__(a, idx):
        p = moveaxis(a.partials, -1, 0)[(slice(None),) + (idx if isinstance(idx, tuple) else (idx,))]
        return _new(a.value[idx], moveaxis(p, 0, -1))

    def reshape(a, *shape):
        return reshape(a, shape[0] if len(shape) == 1 else shape)

    def transpose(a, *axes):
        return transpose(a, axes[0] if len(axes) == 1 else (axes or None))

    def swapaxes(a, i, j):
        return swapaxes(a, i, j)

    def sum(a, axis=None, keepdims=False):
        return sum(a, axis, keepdims)

    def dot(a, b):
        return dot(a, b)

    # -- numpy interoperability: np.sin(dual), ndarray * dual, np.sum(dual), ...
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        fn = _UFUNCS.get(ufunc.__name__)
        if method != "__call__" or kwargs or fn is None:
            raise TypeError(f"numpy.{ufunc.__name__} (method {method!r}) has no forward-mode rule "
                            f"in helpers.dual; supported numpy functions: {SUPPORTED}")
        return fn(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        fn = _FUNCTIONS.get(func.__name__)
        if fn is None or getattr(np, func.__name__, None) is not func:
            raise TypeError(f"{func.__module__}.{func.__name__} has no forward-mode rule in "
                            f"helpers.dual; supported numpy functions: {SUPPORTED}")
        return fn(*args, **kwargs)

    def __array__(self, *args, **kwargs):
        raise TypeError("numpy tried to turn a Dual into a plain array (np.asarray/np.array); "
                        "that would drop its derivative. Use d.value for the number itself.")


# --------------------------------------------------------------------------- shape helpers
def _axes(x: Any, axis: Any) -> tuple:
    """Normalize ``axis`` (None, int or tuple) to non-negative value axes of x."""
    nd = len(_shape(x))
    if axis is None:
        return tuple(range(nd))
    return tuple(a % nd for a in (axis if isinstance(axis, tuple) else (axis,)))


def _fit(p: Any, shape: tuple) -> Any:
    """Broadcast partials (shape s + (k,)) to shape + (k,)."""
    return p if _shape(p)[:-1] == shape else broadcast_to(p, shape + _shape(p)[-1:])


def broadcast_to(x: Any, shape: tuple) -> Any:
    if not isinstance(x, Dual):
        return np.broadcast_to(x, shape)
    return _new(broadcast_to(x.value, shape), _fit(x.partials, tuple(shape)))


def expand_dims(x: Any, axis: Any) -> Any:
    if not isinstance(x, Dual):
        return np.expand_dims(x, axis)
    nd = x.ndim + (len(axis) if isinstance(axis, tuple) else 1)
    ax = tuple(a % nd for a in (axis if isinstance(axis, tuple) else (axis,)))
    return _new(expand_dims(x.value, ax), expand_dims(x.partials, ax))


def transpose(x: Any, axes: Any = None) -> Any:
    if not isinstance(x, Dual):
        return np.transpose(x, axes)
    axes = tuple(reversed(range(x.ndim))) if axes is None else _axes(x, tuple(axes))
    return _new(transpose(x.value, axes), transpose(x.partials, axes + (x.ndim,)))


def moveaxis(x: Any, source: int, destination: int) -> Any:
    if not isinstance(x, Dual):
        return np.moveaxis(x, source, destination)
    order = list(range(x.ndim))
    s, d = _axes(x, source)[0], _axes(x, destination)[0]
    order.insert(d, order.pop(s))
    return transpose(x, tuple(order))


def swapaxes(x: Any, i: int, j: int) -> Any:
    if not isinstance(x, Dual):
        return np.swapaxes(x, i, j)
    order = list(range(x.ndim))
    i, j = _axes(x, (i, j))
    order[i], order[j] = order[j], order[i]
    return transpose(x, tuple(order))


def reshape(x: Any, shape: Any) -> Any:
    if not isinstance(x, Dual):
        return np.reshape(x, shape)
    v = reshape(x.value, shape)
    return _new(v, reshape(x.partials, _shape(v) + (x.k,)))


def scatter_add(shape: tuple, idx: Any, g: Any) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``idx`` (repeated indices accumulate).

    This is the adjoint of indexing ``x[idx]``; it works for arrays and duals."""
    if isinstance(g, Dual):
        idx = idx if isinstance(idx, tuple) else (idx,)
        p = scatter_add((g.k,) + tuple(shape), (slice(None),) + idx, moveaxis(g.partials, -1, 0))
        return _new(scatter_add(shape, idx, g.value), moveaxis(p, 0, -1))
    z = np.zeros(shape, dtype=np.result_type(g, float))
    np.add.at(z, idx, g)
    return z


# --------------------------------------------------------------------------- elementary functions
def _unary(name: str, f: Callable, df: Callable) -> Callable:
    """A function f on floats/arrays lifted to duals: f(a + bε) = f(a) + f'(a) b ε.

    ``df(x, y)`` gives f'(x) from the input x and the output y = f(x)."""

    def fn(x: Any) -> Any:
        if isinstance(x, Dual):
            y = fn(x.value)
            return _new(y, _ex(df(x.value, y)) * x.partials)
        return f(_check(x, name))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``{name}`` of a float, an array or a Dual (elementwise)."
    return fn


#               name       value       derivative f'(x), from x and y = f(x)
sin    = _unary("sin",    np.sin,     lambda x, y: cos(x))
cos    = _unary("cos",    np.cos,     lambda x, y: -sin(x))
tan    = _unary("tan",    np.tan,     lambda x, y: 1 + y * y)
exp    = _unary("exp",    np.exp,     lambda x, y: y)
log    = _unary("log",    np.log,     lambda x, y: 1 / x)
sqrt   = _unary("sqrt",   np.sqrt,    lambda x, y: 0.5 / y)
tanh   = _unary("tanh",   np.tanh,    lambda x, y: 1 - y * y)
sinh   = _unary("sinh",   np.sinh,    lambda x, y: cosh(x))
cosh   = _unary("cosh",   np.cosh,    lambda x, y: sinh(x))
arctan = _unary("arctan", np.arctan,  lambda x, y: 1 / (1 + x * x))
abs    = _unary("abs",    np.abs,     lambda x, y: sign(x))


def sign(x: Any) -> Any:
    """The sign of the value; piecewise constant, so its derivative is zero (a plain array)."""
    return np.sign(primal(_check(x, "sign")))


def where(cond: Any, a: Any, b: Any) -> Any:
    """Pick ``a`` where ``cond`` holds and ``b`` elsewhere; derivatives are picked alike."""
    c = primal(cond)
    if not isinstance(a, Dual) and not isinstance(b, Dual):
        return np.where(c, _check(a, "where"), _check(b, "where"))
    pa = a.partials if isinstance(a, Dual) else 0.0
    pb = b.partials if isinstance(b, Dual) else 0.0
    return _new(where(c, _value(a), _value(b)), where(_ex(np.asarray(c)), pa, pb))


def maximum(a: Any, b: Any) -> Any:
    """Elementwise maximum; at a tie the derivative of ``a`` is taken."""
    return where(primal(a) >= primal(b), a, b)


def _value(x: Any) -> Any:
    return x.value if isinstance(x, Dual) else _check(x, "where")


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Sum over ``axis`` (all axes by default); the partials are summed over the same axes."""
    if not isinstance(x, Dual):
        return np.sum(_check(x, "sum"), axis=axis, keepdims=keepdims)
    ax = _axes(x, axis)
    return _new(sum(x.value, ax, keepdims), sum(x.partials, ax, keepdims))


def matmul(a: Any, b: Any) -> Any:
    """Matrix product of arrays/duals with 1 or 2 dimensions (numpy's ``@`` semantics).

    The ε axis is moved to the front so that ``@`` acts on the value axes only."""
    if not isinstance(a, Dual) and not isinstance(b, Dual):
        return np.matmul(_check(a, "matmul"), _check(b, "matmul"))
    av, bv = _value(a), _value(b)
    y, p = matmul(av, bv), 0.0
    if isinstance(a, Dual):                              # a' @ b
        p = moveaxis(matmul(moveaxis(a.partials, -1, 0), bv), 0, -1)
    if isinstance(b, Dual):                              # a @ b'
        p = p + (matmul(av, b.partials) if b.ndim == 1
                 else moveaxis(matmul(av, moveaxis(b.partials, -1, 0)), 0, -1))
    return _new(y, p)


def _as_duals(arrays: Any, op: str) -> list | None:
    """The entries as duals (plain ones with zero partials), or None if none is a dual."""
    ks = [a.k for a in arrays if isinstance(a, Dual)]
    if not ks:
        return None
    return [a if isinstance(a, Dual) else _new(np.asarray(_check(a, op), dtype=float),
                                               np.zeros(_shape(a) + (ks[0],))) for a in arrays]


def stack(arrays: Any, axis: int = 0) -> Any:
    """Stack floats, arrays and duals along a new ``axis``; plain entries get zero partials."""
    duals = _as_duals(arrays, "stack")
    if duals is None:
        return np.stack([_check(a, "stack") for a in arrays], axis=axis)
    ax = axis % (duals[0].ndim + 1)
    return _new(stack([d.value for d in duals], ax), stack([d.partials for d in duals], ax))


def concatenate(arrays: Any, axis: int = 0) -> Any:
    """Join arrays and duals along an existing ``axis``."""
    duals = _as_duals(arrays, "concatenate")
    if duals is None:
        return np.concatenate([_check(a, "concatenate") for a in arrays], axis=axis)
    ax = axis % duals[0].ndim
    return _new(concatenate([d.value for d in duals], ax), concatenate([d.partials for d in duals], ax))


def split(x: Any, indices: Any, axis: int = 0) -> list:
    """Split along ``axis`` at ``indices`` (as ``np.split``)."""
    if not isinstance(x, Dual):
        return np.split(x, indices, axis=axis)
    ax = axis % x.ndim
    return [_new(v, p) for v, p in zip(split(x.value, indices, ax), split(x.partials, indices, ax))]


def dot(a: Any, b: Any) -> Any:
    """``np.dot`` for scalars, vectors and matrices (dimensions 0, 1 or 2)."""
    if len(_shape(a)) == 0 or len(_shape(b)) == 0:
        return a * b
    if len(_shape(a)) > 2 or len(_shape(b)) > 2:
        raise TypeError("dot: only 0-, 1- and 2-dimensional operands are supported; use matmul")
    return matmul(a, b)


# --------------------------------------------------------------------------- numpy dispatch tables
def _op(name: str) -> Callable:
    """A binary operator called through numpy (e.g. ndarray * Dual): use the Dual's method."""
    return lambda a, b: (getattr(Dual, f"__{name}__")(a, b) if isinstance(a, Dual)
                         else getattr(Dual, f"__r{name}__")(b, a))


_UFUNCS = {"add": _op("add"), "subtract": _op("sub"), "multiply": _op("mul"),
           "divide": _op("truediv"), "true_divide": _op("truediv"), "power": _op("pow"),
           "negative": lambda a: -a, "positive": lambda a: a, "matmul": matmul,
           "sin": sin, "cos": cos, "tan": tan, "exp": exp, "log": log, "sqrt": sqrt,
           "tanh": tanh, "sinh": sinh, "cosh": cosh, "arctan": arctan, "absolute": abs,
           "maximum": maximum, "sign": sign,
           "less": lambda a, b: primal(a) < primal(b), "less_equal": lambda a, b: primal(a) <= primal(b),
           "greater": lambda a, b: primal(a) > primal(b),
           "greater_equal": lambda a, b: primal(a) >= primal(b),
           "equal": lambda a, b: primal(a) == primal(b), "not_equal": lambda a, b: primal(a) != primal(b)}
_FUNCTIONS = {"sum": sum, "where": where, "dot": dot, "matmul": matmul, "reshape": reshape,
              "stack": stack, "concatenate": concatenate, "split": split,
              "transpose": transpose, "moveaxis": moveaxis, "swapaxes": swapaxes,
              "expand_dims": expand_dims, "broadcast_to": broadcast_to,
              "shape": lambda x: _shape(x), "ndim": lambda x: len(_shape(x)),
              "size": lambda x: x.size}
SUPPORTED = ", ".join(sorted(set(_UFUNCS) | set(_FUNCTIONS)))


# --------------------------------------------------------------------------- derivatives
def _seed(x: Any, partials: np.ndarray) -> Dual:
    if isinstance(x, Dual):
        raise TypeError("derivative/jvp/jacobian/hessian were called on a Dual: nesting these calls "
                        "would mix up the two levels' infinitesimals (perturbation confusion). "
                        "For second derivatives use hessian(f, x), which nests duals safely.")
    x = _check(x, "seed")
    return _new(np.asarray(x, dtype=float) if _shape(x) else float(x), partials)


def _partials(y: Any, k: int) -> Any:
    """The partials of a result; zeros when the result does not depend on the input."""
    if isinstance(y, Dual):
        return y.partials
    return np.zeros(_shape(y) + (k,))


def derivative(f: Callable, x: Any) -> Any:
    """f'(x) for a function of one real variable, from one run of f on ``x + ε``.

    For an array ``x`` every entry is seeded with the same ε, which gives the pointwise
    derivative of an elementwise ``f`` (the JVP with ``v = 1``)."""
    y = f(_seed(x, np.ones(_shape(x) + (1,))))
    return _partials(y, 1)[..., 0]


def jvp(f: Callable, x: Any, v: Any) -> tuple[Any, Any]:
    """``(f(x), J v)``: the value and the directional derivative along ``v`` in one pass."""
    v = np.asarray(_check(v, "jvp"), dtype=float)
    if v.shape != _shape(x):
        raise ValueError(f"jvp: the tangent v has shape {v.shape}, expected the shape of x {_shape(x)}")
    y = f(_seed(x, v[..., None]))
    return primal(y), _partials(y, 1)[..., 0]


def jacobian(f: Callable, x: Any, *, at_once: bool = True) -> np.ndarray:
    """The Jacobian ``J[i..., j...] = ∂f_i/∂x_j``, shape ``f(x).shape + x.shape``.

    With ``at_once=True`` one pass carries ``n = x.size`` infinitesimals (one per input
    direction); with ``at_once=False`` it makes ``n`` passes, one JVP per column. Both cost
    about ``n`` times a run of f."""
    xs = _shape(x)
    n = int(np.prod(xs))
    if at_once:
        y = f(_seed(x, np.eye(n).reshape(xs + (n,))))
        return np.asarray(_partials(y, n)).reshape(_shape(primal(y)) + xs)
    cols = [jvp(f, x, e.reshape(xs))[1] for e in np.eye(n)]
    return np.stack(cols, axis=-1).reshape(np.shape(cols[0]) + xs)


def hessian(f: Callable, x: Any) -> np.ndarray:
    r"""The Hessian of a scalar f by nesting: a dual whose value and partials are duals.

    The input is :math:`x + \sum_i e_i\varepsilon_{\rm in}^i + \sum_j e_j\varepsilon_{\rm out}^j`;
    the coefficient of :math:`\varepsilon_{\rm out}^j\varepsilon_{\rm in}^i` in f is
    :math:`\partial^2 f/\partial x_j\partial x_i`. Shape ``x.shape + x.shape``."""
    xs = _shape(x)
    n = int(np.prod(xs))
    eye = np.eye(n).reshape(xs + (n,))
    inner = _seed(x, eye)                                    # x + e_i ε_in
    X = _new(inner, _new(eye, np.zeros(xs + (n, n))))       # + e_j ε_out, whose own ε_in part is 0
    y = f(X)
    if not isinstance(y, Dual) or not isinstance(y.partials, Dual):
        return np.zeros(xs + xs)
    return np.asarray(y.partials.partials).reshape(xs + xs)
