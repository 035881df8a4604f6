r"""Forward-mode automatic differentiation with tagged dual numbers.

A dual number carries a value and its first-order change along ``k`` infinitesimals
:math:`\varepsilon^1, \dots, \varepsilon^k` with :math:`\varepsilon^i\varepsilon^j = 0`,

.. math::  x = a + \sum_{i=1}^{k} b_i\,\varepsilon^i, \qquad
           f(x) = f(a) + f'(a) \sum_i b_i\,\varepsilon^i ,

which is Taylor's expansion cut after the first order. ``Dual(value, partials, tag)`` stores
:math:`a` (a float or an array) in ``value`` and the :math:`b_i` in ``partials``, an array with
one trailing axis of length ``k``: ``partials.shape == value.shape + (k,)``. Every primitive
below maps duals to a dual by the chain rule, so running an ordinary program on duals returns
the program's value and its directional derivatives (a Jacobian-vector product) in one pass.

**Tags (no perturbation confusion).** Each call of :func:`derivative`, :func:`jvp` or
:func:`jacobian` introduces its *own* infinitesimals, marked with a fresh integer ``tag``
(Siskind & Pearlmutter's remedy for perturbation confusion; JAX's tracer levels do the same).
Infinitesimals of different tags are independent: :math:`\varepsilon_s\varepsilon_t \neq 0`
for :math:`s \neq t`, while each squares to zero. A dual's value and partials may themselves be
duals, but only of lower (older) tags, so the newest perturbation is always the outer layer.
When two duals of different tags meet, the one with the higher tag is the outer layer and the
other is a constant for it. This makes nesting through closures correct, e.g.
``derivative(lambda x: x * derivative(lambda y: x + y, 1.0), 1.0) == 1.0``; and it gives
second derivatives by nesting (:func:`hessian`). A dual built by hand has tag 0 unless given
one (:func:`new_tag`). A perturbation that escapes from a call (through a global, say) and turns
up in the result of a later call raises ``RuntimeError``, as JAX raises for an escaped tracer.

Entry points: :func:`derivative`, :func:`jvp`, :func:`jacobian`, :func:`hessian`; the elementary
functions ``sin, cos, tan, exp, log, sqrt, tanh, sinh, cosh, arctan, abs, maximum, where, sum,
dot`` accept floats, numpy arrays and duals. numpy's own ``np.sin(d)``, ``np.sum(d)``, ... also
work on duals (through numpy's dispatch protocols); a numpy function without a rule raises a
``TypeError`` that lists what is supported.
"""

from __future__ import annotations

import itertools
import numbers
from typing import Any, Callable

import numpy as np

__all__ = ["Dual", "new_tag", "derivative", "jvp", "jacobian", "hessian", "add", "subtract",
           "multiply", "divide", "power", "sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh",
           "cosh", "arctan", "abs", "maximum", "where", "sum", "dot", "matmul", "stack",
           "concatenate", "split", "sign", "scatter_add", "primal", "SUPPORTED"]

_NUMERIC = "floats, ints, numpy arrays of numbers and Dual numbers"
_TAGS = itertools.count(1)
_ACTIVE: list[int] = []          # tags of the derivative calls in progress, outermost first
_BY_HAND: set[int] = set()       # tags handed out by new_tag() for duals built by hand


def new_tag() -> int:
    """A fresh tag, higher than every tag handed out before, for a dual built by hand."""
    t = next(_TAGS)
    _BY_HAND.add(t)
    return t


def _call_tag() -> int:
    """The fresh tag of one derivative call (derivative, jvp, jacobian)."""
    return next(_TAGS)


def _stale(x: Any) -> int:
    """The tag of x if x is a dual whose perturbation belongs to no call in progress and was not
    made by hand (it escaped from a call that has returned), else 0."""
    t = _tag(x)
    return t if t > 0 and t not in _ACTIVE and t not in _BY_HAND else 0


def _real(x: Any, op: str) -> Any:
    """x as a real number or array at which to differentiate (not a boolean, not complex)."""
    x = _check(x, op)
    kind = getattr(np.asarray(primal(x)), "dtype", np.dtype(float)).kind
    if isinstance(primal(x), (bool, np.bool_)) or kind == "b":
        raise TypeError(f"{op}: got a boolean where a real number is needed; expected {_NUMERIC}")
    if kind == "c":
        raise TypeError(f"{op}: got a complex number; helpers.dual differentiates real functions of "
                        "real numbers (for complex arithmetic see chapter 6)")
    return x


def _new(value: Any, partials: Any, tag: int) -> "Dual":
    """Build a Dual without validation (the fast path used by every primitive)."""
    d = object.__new__(Dual)
    d.value, d.partials, d.tag = value, partials, tag
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


def _tag(x: Any) -> int:
    return x.tag if isinstance(x, Dual) else -1


def primal(x: Any) -> Any:
    """The plain value under any number of dual layers (used for comparisons and branches)."""
    while isinstance(x, Dual):
        x = x.value
    return x


def _split(x: Any, tag: int, op: str) -> tuple[Any, Any]:
    """(value, partials) of x as seen by the perturbation ``tag``; partials None for a constant."""
    if isinstance(x, Dual) and x.tag == tag:
        return x.value, x.partials
    return _check(x, op), None


def _ex(x: Any) -> Any:
    """Append an axis so that a value-shaped factor broadcasts against partials."""
    if isinstance(x, (np.ndarray, Dual)):
        return expand_dims(x, -1)
    return x


# --------------------------------------------------------------------------- the number
class Dual:
    """A dual number ``value + partials · ε_tag`` with ``k = partials.shape[-1]`` infinitesimals.

    ``Dual(2.0, [1.0])`` is :math:`2 + \\varepsilon`; ``Dual(np.ones(3), np.eye(3))`` seeds one
    infinitesimal per entry. ``value`` and ``partials`` may be duals of lower tags (a dual of
    duals). Comparisons act on the value, so branches in a program follow the same path as
    without duals.
    """

    __slots__ = ("value", "partials", "tag")
    __array_priority__ = 1000

    def __init__(self, value: Any, partials: Any, tag: int = 0) -> None:
        value, partials = _real(value, "Dual"), _real(partials, "Dual")
        if not isinstance(value, Dual):
            value = np.asarray(value, dtype=float) if _shape(value) else float(value)
        if not isinstance(partials, Dual):
            partials = np.asarray(partials, dtype=float)
        if _shape(value) == () and _shape(partials) == ():
            partials = reshape(partials, (1,))
        if len(_shape(partials)) != len(_shape(value)) + 1 or _shape(partials)[:-1] != _shape(value):
            raise ValueError(f"Dual: partials must have shape value.shape + (k,), i.e. "
                             f"{_shape(value)} + (k,), got {_shape(partials)}")
        if isinstance(tag, bool) or not isinstance(tag, (int, np.integer)) or tag < 0:
            raise TypeError(f"Dual: tag must be a whole number >= 0 (from new_tag()), got {tag!r}")
        if max(_tag(value), _tag(partials)) >= tag:
            raise ValueError(f"Dual: a dual of tag {tag} may hold only duals of lower tags in its value "
                             f"and partials, got tag {max(_tag(value), _tag(partials))}; give the outer "
                             "perturbation a newer tag (new_tag())")
        self.value, self.partials, self.tag = value, partials, int(tag)

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
        show = lambda z: repr(float(z)) if np.ndim(z) == 0 and not isinstance(z, Dual) else repr(z)  # noqa: E731
        tag = f", tag={self.tag}" if self.tag else ""
        return f"Dual({show(self.value)}, {show(self.partials)}{tag})"

    # -- arithmetic: a + b is add(a, b) (the rules are in the table of binary primitives below)
    def __abs__(a):
        return abs(a)

    def __neg__(a):
        return _new(-a.value, -a.partials, a.tag)

    def __pos__(a):
        return a

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
        return _new(a.value[idx], moveaxis(p, 0, -1), a.tag)

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

    def __float__(self):                                  # float(d), math.sin(d), ...
        raise TypeError("a Dual cannot become a plain float (float(), the math module): that would "
                        "drop its derivative. Use the functions of helpers.dual or numpy's, or "
                        "d.value for the number itself.")

    __int__ = __complex__ = __float__


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
    return _new(broadcast_to(x.value, shape), _fit(x.partials, tuple(shape)), x.tag)


def expand_dims(x: Any, axis: Any) -> Any:
    if not isinstance(x, Dual):
        return np.expand_dims(x, axis)
    nd = x.ndim + (len(axis) if isinstance(axis, tuple) else 1)
    ax = tuple(a % nd for a in (axis if isinstance(axis, tuple) else (axis,)))
    return _new(expand_dims(x.value, ax), expand_dims(x.partials, ax), x.tag)


def transpose(x: Any, axes: Any = None) -> Any:
    if not isinstance(x, Dual):
        return np.transpose(x, axes)
    axes = tuple(reversed(range(x.ndim))) if axes is None else _axes(x, tuple(axes))
    return _new(transpose(x.value, axes), transpose(x.partials, axes + (x.ndim,)), x.tag)


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
    return _new(v, reshape(x.partials, _shape(v) + (x.k,)), x.tag)


def scatter_add(shape: tuple, idx: Any, g: Any) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``idx`` (repeated indices accumulate).

    This is the adjoint of indexing ``x[idx]``; it works for arrays and duals."""
    if isinstance(g, Dual):
        idx = idx if isinstance(idx, tuple) else (idx,)
        p = scatter_add((g.k,) + tuple(shape), (slice(None),) + idx, moveaxis(g.partials, -1, 0))
        return _new(scatter_add(shape, idx, g.value), moveaxis(p, 0, -1), g.tag)
    z = np.zeros(shape, dtype=np.result_type(g, float))
    np.add.at(z, idx, g)
    return z


# --------------------------------------------------------------------------- primitives
def _unary(name: str, f: Callable, df: Callable) -> Callable:
    """A function f on floats/arrays lifted to duals: f(a + bε) = f(a) + f'(a) b ε.

    ``df(x, y)`` gives f'(x) from the input x and the output y = f(x)."""

    def fn(x: Any) -> Any:
        if isinstance(x, Dual):
            y = fn(x.value)
            return _new(y, _ex(df(x.value, y)) * x.partials, x.tag)
        return f(_check(x, name))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``{name}`` of a float, an array or a Dual (elementwise)."
    return fn


def _binary(name: str, f: Callable, da: Callable, db: Callable) -> Callable:
    """f(a, b) lifted to duals: f(a + ȧε, b + ḃε) = f(a, b) + (∂_a f ȧ + ∂_b f ḃ) ε.

    ε is the infinitesimal of the highest tag among the arguments; an argument without it is a
    constant at that level (its own, older infinitesimals live inside its value). ``da(a, b, y)``
    and ``db(a, b, y)`` give the partial derivatives from the inputs and y = f(a, b); each is
    evaluated only when its argument carries ε."""

    def fn(a: Any, b: Any) -> Any:
        t = max(_tag(a), _tag(b))
        if t < 0:                                        # no dual at all: plain numpy
            return f(_check(a, name), _check(b, name))
        (av, ap), (bv, bp) = _split(a, t, name), _split(b, t, name)
        y = fn(av, bv)
        terms = [_fit(_times(d(av, bv, y), p), _shape(y)) for d, p in ((da, ap), (db, bp)) if p is not None]
        if len(terms) == 2 and _shape(ap)[-1] != _shape(bp)[-1]:
            raise ValueError(f"{name}: the two duals carry {_shape(ap)[-1]} and {_shape(bp)[-1]} "
                             f"infinitesimals of the same tag ({t}); seed them together")
        return _new(y, terms[0] if len(terms) == 1 else terms[0] + terms[1], t)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``{name}`` of floats, arrays or Duals (elementwise, with numpy broadcasting)."
    return fn


def _times(factor: Any, p: Any) -> Any:
    """factor * partials, skipping the trivial factors ±1."""
    if isinstance(factor, int) and factor in (1, -1):
        return p if factor == 1 else -p
    return _ex(factor) * p


#                  name        value         ∂f/∂a (from a, b, y = f(a, b))   ∂f/∂b
add      = _binary("add",      np.add,       lambda a, b, y: 1,               lambda a, b, y: 1)
subtract = _binary("subtract", np.subtract,  lambda a, b, y: 1,               lambda a, b, y: -1)
multiply = _binary("multiply", np.multiply,  lambda a, b, y: b,               lambda a, b, y: a)
divide   = _binary("divide",   np.divide,    lambda a, b, y: 1 / b,           lambda a, b, y: -y / b)
power    = _binary("power",    np.power,     lambda a, b, y: b * power(a, b - 1),
                                               lambda a, b, y: log(where(a == 0, 1, a)) * y)   # 0^b: 0

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
abs    = _unary("abs",    np.abs,     lambda x, y: sign(x))          # 0 at the kink x = 0


def sign(x: Any) -> Any:
    """The sign of the value; piecewise constant, so its derivative is zero (a plain array)."""
    return np.sign(primal(_check(x, "sign")))


def where(cond: Any, a: Any, b: Any) -> Any:
    """Pick ``a`` where ``cond`` holds and ``b`` elsewhere; derivatives are picked alike."""
    c, t = primal(cond), max(_tag(a), _tag(b))
    if t < 0:
        return np.where(c, _check(a, "where"), _check(b, "where"))
    (av, ap), (bv, bp) = _split(a, t, "where"), _split(b, t, "where")
    y = where(c, av, bv)
    p = where(_ex(np.asarray(c)), 0.0 if ap is None else ap, 0.0 if bp is None else bp)
    return _new(y, _fit(p, _shape(y)), t)


def maximum(a: Any, b: Any) -> Any:
    """Elementwise maximum; at a tie the derivative of ``a`` is taken."""
    return where(primal(a) >= primal(b), a, b)


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Sum over ``axis`` (all axes by default); the partials are summed over the same axes."""
    if not isinstance(x, Dual):
        return np.sum(_check(x, "sum"), axis=axis, keepdims=keepdims)
    ax = _axes(x, axis)
    return _new(sum(x.value, ax, keepdims), sum(x.partials, ax, keepdims), x.tag)


def matmul(a: Any, b: Any) -> Any:
    """Matrix product of arrays/duals with 1 or 2 dimensions (numpy's ``@`` semantics):
    (a + ȧε)(b + ḃε) = ab + (ȧb + aḃ)ε, with the ε axis moved to the front for ``@``."""
    t = max(_tag(a), _tag(b))
    if t < 0:
        return np.matmul(_check(a, "matmul"), _check(b, "matmul"))
    (av, ap), (bv, bp) = _split(a, t, "matmul"), _split(b, t, "matmul")
    terms = []
    if ap is not None:                                   # ȧ b
        terms.append(moveaxis(matmul(moveaxis(ap, -1, 0), bv), 0, -1))
    if bp is not None:                                   # a ḃ
        terms.append(matmul(av, bp) if len(_shape(bv)) == 1
                     else moveaxis(matmul(av, moveaxis(bp, -1, 0)), 0, -1))
    if len(terms) == 2 and _shape(ap)[-1] != _shape(bp)[-1]:
        raise ValueError(f"matmul: the two duals carry {_shape(ap)[-1]} and {_shape(bp)[-1]} "
                         f"infinitesimals of the same tag ({t}); seed them together")
    return _new(matmul(av, bv), terms[0] if len(terms) == 1 else terms[0] + terms[1], t)


def _as_duals(arrays: Any, op: str) -> tuple[list, int] | None:
    """The entries as duals of the highest tag among them (others get zero partials at that
    tag), or None if none is a dual."""
    t = max(_tag(a) for a in arrays)
    if t < 0:
        return None
    ks = {a.k for a in arrays if _tag(a) == t}
    if len(ks) > 1:
        raise ValueError(f"{op}: duals of tag {t} carry different numbers of infinitesimals {sorted(ks)}")
    k = ks.pop()
    out = [a if _tag(a) == t else _new(_check(a, op) if isinstance(a, Dual) else np.asarray(_check(a, op), dtype=float),
                                       np.zeros(_shape(a) + (k,)), t) for a in arrays]
    return out, t


def stack(arrays: Any, axis: int = 0) -> Any:
    """Stack floats, arrays and duals along a new ``axis``; plain entries get zero partials."""
    got = _as_duals(list(arrays), "stack")
    if got is None:
        return np.stack([_check(a, "stack") for a in arrays], axis=axis)
    duals, t = got
    ax = axis % (duals[0].ndim + 1)
    return _new(stack([d.value for d in duals], ax), stack([d.partials for d in duals], ax), t)


def concatenate(arrays: Any, axis: int = 0) -> Any:
    """Join arrays and duals along an existing ``axis``."""
    got = _as_duals(list(arrays), "concatenate")
    if got is None:
        return np.concatenate([_check(a, "concatenate") for a in arrays], axis=axis)
    duals, t = got
    ax = axis % duals[0].ndim
    return _new(concatenate([d.value for d in duals], ax), concatenate([d.partials for d in duals], ax), t)


def split(x: Any, indices: Any, axis: int = 0) -> list:
    """Split along ``axis`` at ``indices`` (as ``np.split``)."""
    if not isinstance(x, Dual):
        return np.split(x, indices, axis=axis)
    ax = axis % x.ndim
    return [_new(v, p, x.tag) for v, p in zip(split(x.value, indices, ax), split(x.partials, indices, ax))]


def dot(a: Any, b: Any) -> Any:
    """``np.dot`` for scalars, vectors and matrices (dimensions 0, 1 or 2)."""
    if len(_shape(a)) == 0 or len(_shape(b)) == 0:
        return a * b
    if len(_shape(a)) > 2 or len(_shape(b)) > 2:
        raise TypeError("dot: only 0-, 1- and 2-dimensional operands are supported; use matmul")
    return matmul(a, b)


# --------------------------------------------------------------------------- operators and numpy dispatch
for _op, _fn in (("add", add), ("sub", subtract), ("mul", multiply), ("truediv", divide),
                 ("pow", power), ("matmul", matmul)):
    setattr(Dual, f"__{_op}__", lambda a, b, f=_fn: f(a, b))         # a + b
    setattr(Dual, f"__r{_op}__", lambda a, b, f=_fn: f(b, a))        # b + a with b not a Dual

_UFUNCS = {"add": add, "subtract": subtract, "multiply": multiply, "divide": divide,
           "true_divide": divide, "power": power, "negative": lambda a: -a, "positive": lambda a: a,
           "matmul": matmul, "sin": sin, "cos": cos, "tan": tan, "exp": exp, "log": log, "sqrt": sqrt,
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
def _seed(x: Any, partials: np.ndarray, tag: int, op: str) -> Dual:
    """x + partials·ε_tag; x may be a dual of older tags (a nested derivative)."""
    x = _real(x, op)
    if not isinstance(x, Dual):
        x = np.asarray(x, dtype=float) if _shape(x) else float(x)
    return _new(x, partials, tag)


def _out(y: Any, tag: int, k: int, op: str) -> tuple[Any, Any]:
    """(value, partials) of a result at perturbation ``tag``; zeros if y does not depend on it."""
    if isinstance(y, Dual) and y.tag > tag:
        raise RuntimeError(f"{op}: the result carries a perturbation (tag {y.tag}) newer than this "
                           "call's: of a derivative call that has already returned (did a dual escape "
                           "through a global?), or of a dual built by hand inside f and not read off")
    if isinstance(y, Dual) and y.tag == tag:
        value, partials = y.value, y.partials
    else:
        value, partials = y, None
    stale = max(_stale(value), _stale(partials))
    if stale:
        raise RuntimeError(f"{op}: the result carries a perturbation (tag {stale}) of a derivative "
                           "call that has already returned; did a dual escape through a global?")
    if partials is not None:
        return value, partials
    try:
        y = _check(y, op)
    except TypeError:
        raise TypeError(f"{op}: f must return numbers (a float, an array or a Dual), "
                        f"but it returned a {type(y).__name__}") from None
    return y, np.zeros(_shape(y) + (k,))


def _plain(z: Any) -> Any:
    """A result as the caller expects it: a float, a fresh array, or a dual of an outer call."""
    if isinstance(z, Dual):
        return z
    return np.array(z, dtype=float) if _shape(z) else float(z)


def _run(f: Callable, seed: Dual, tag: int) -> Any:
    """f(seed) with the call's tag marked as in progress (so that its perturbation is not stale)."""
    _ACTIVE.append(tag)
    try:
        return f(seed)
    finally:
        _ACTIVE.pop()


def derivative(f: Callable, x: Any) -> Any:
    """f'(x) for a function of one real variable, from one run of f on ``x + ε`` (ε of a new tag).

    For an array ``x`` every entry is seeded with the same ε, which gives the pointwise
    derivative of an elementwise ``f`` (the JVP with ``v = 1``)."""
    t = _call_tag()
    _, p = _out(_run(f, _seed(x, np.ones(_shape(x) + (1,)), t, "derivative"), t), t, 1, "derivative")
    return _plain(p[..., 0])


def jvp(f: Callable, x: Any, v: Any) -> tuple[Any, Any]:
    """``(f(x), J v)``: the value and the directional derivative along ``v`` in one pass."""
    v = _real(v, "jvp")
    if _shape(v) != _shape(x):
        raise ValueError(f"jvp: the tangent v has shape {_shape(v)}, expected the shape of x {_shape(x)}")
    t = _call_tag()
    seed = _seed(x, expand_dims(v if isinstance(v, Dual) else np.asarray(v, dtype=float), -1), t, "jvp")
    y, p = _out(_run(f, seed, t), t, 1, "jvp")
    return _plain(y), _plain(p[..., 0])


def jacobian(f: Callable, x: Any, *, at_once: bool = True) -> Any:
    """The Jacobian ``J[i..., j...] = ∂f_i/∂x_j``, shape ``f(x).shape + x.shape``.

    With ``at_once=True`` one pass carries ``n = x.size`` infinitesimals (one per input
    direction); with ``at_once=False`` it makes ``n`` passes, one JVP per column. Both cost
    about ``n`` times a run of f."""
    xs = _shape(x)
    n = int(np.prod(xs))
    if at_once:
        t = _call_tag()
        y, p = _out(_run(f, _seed(x, np.eye(n).reshape(xs + (n,)), t, "jacobian"), t), t, n, "jacobian")
        return _plain(reshape(p, _shape(y) + xs))
    cols = [jvp(f, x, e.reshape(xs))[1] for e in np.eye(n)]
    return _plain(reshape(stack(cols, axis=-1), _shape(cols[0]) + xs))


def hessian(f: Callable, x: Any) -> Any:
    r"""The Hessian of a scalar f, ``jacobian(lambda z: jacobian(f, z), x)``: two nested calls,
    two tags, so the input is :math:`x + \sum_i e_i\varepsilon_1^i + \sum_j e_j\varepsilon_2^j`
    and the coefficient of :math:`\varepsilon_1^i\varepsilon_2^j` is
    :math:`\partial^2 f/\partial x_i\partial x_j`. Shape ``x.shape + x.shape``."""
    return jacobian(lambda z: jacobian(f, z), x)
