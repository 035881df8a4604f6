r"""Reverse-mode automatic differentiation with a tape (a Wengert list).

Running a function on :class:`Var` inputs records every primitive call on a :class:`Tape`: the
primitive, which earlier entries fed it, its input values and its output value. That is all a
backward rule needs. For a scalar output :math:`\mathcal L` the *adjoint* of each recorded
value :math:`v` is :math:`\bar v = \partial\mathcal L/\partial v`; sweeping the tape in reverse
order applies, for each entry :math:`y = f(x_1, \dots, x_n)`,

.. math::  \bar x_j \mathrel{+}= \bar y\,\frac{\partial f}{\partial x_j}
           \qquad (\text{a vector-Jacobian product, } \bar x_j = J_j^\top \bar y),

and accumulates (``+=``) because a value used twice receives two contributions (fan-out).
Reverse recording order is a reverse topological order, so every adjoint is complete before it
is used. Adjoints of broadcast inputs are summed over the broadcast axes.

Entry points: :func:`grad`, :func:`vjp`, :func:`record` (returns the output and the tape, for
inspection: ``len(tape)``, ``print(tape)``, ``tape.nbytes``), :func:`defprimitive` (your own
primitive with its own backward rule) and :func:`hessian` (forward-over-reverse: dual numbers of
:mod:`helpers.dual` flowing through the tape).

*Nesting.* ``grad(grad(f))``, and gradients taken inside a function that is itself being
differentiated (through closures), are exact: every tape has a level (newer tapes are inner),
a primitive records on the innermost tape among its inputs, and an inner tape's values and
backward rules are ordinary computations on the outer tape's variables, so the outer tape
records them too. Each ``grad`` therefore differentiates only with respect to its own input,
never an outer one (no *perturbation confusion*).

Each primitive is defined below in one line: its forward function and one backward rule per
input, ``rule(y_bar, y, *inputs) -> x_bar``. The functions ``sin, cos, tan, exp, log, sqrt,
tanh, sinh, cosh, arctan, abs, maximum, where, sum, dot`` match :mod:`helpers.dual`; numpy's own
functions (``np.sin(x)``, ``np.sum(x)``, ``a @ x``) also work on a :class:`Var`; a numpy function
without a rule raises ``TypeError`` naming it and listing the supported ones.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable, Sequence

import numpy as np

from helpers.dual import Dual

__all__ = ["Var", "Tape", "Primitive", "record", "grad", "vjp", "value_and_grad", "hessian",
           "defprimitive", "sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh",
           "arctan", "abs", "maximum", "where", "sum", "mean", "dot", "matmul", "reshape",
           "transpose", "concatenate", "stack", "SUPPORTED"]

_NUMERIC = "floats, ints, numpy arrays of numbers, Dual numbers and tape variables (Var)"
_tape_ids = itertools.count()


# --------------------------------------------------------------------------- the tape
class Tape:
    """A Wengert list: entry i is ``(primitive, parent indices, input values, output value)``.

    Inputs (leaves) are entries with no primitive. ``len(tape)`` counts entries, ``print(tape)``
    lists them, ``tape.nbytes`` counts the bytes of the arrays the tape keeps alive."""

    def __init__(self) -> None:
        self.entries: list[tuple] = []
        self.inputs: list[Var] = []
        self.level = next(_tape_ids)      # newer tapes are inner tapes (for grad of grad)

    def push(self, prim: "Primitive | None", parents: tuple, args: tuple, value: Any) -> "Var":
        self.entries.append((prim, parents, args, value))
        return Var(value, self, len(self.entries) - 1)

    def backward(self, out: "Var", out_bar: Any, keep_all: bool = False) -> list:
        """The reverse sweep: adjoints of every entry up to ``out``, seeded with ``out_bar``.

        Intermediate adjoints are freed once used unless ``keep_all`` (for teaching)."""
        adj: list = [None] * (out.index + 1)
        adj[out.index] = out_bar
        for i in range(out.index, -1, -1):
            self._pass_back(i, adj)
            if not keep_all and self.entries[i][0] is not None:
                adj[i] = None                          # this adjoint is spent: free it
        return adj

    def _pass_back(self, i: int, adj: list) -> bool:
        """Entry i hands its adjoint to its parents (one vector-Jacobian product per input);
        fan-out accumulates. Returns False when there was nothing to pass."""
        prim, parents, args, y = self.entries[i]
        g = adj[i]
        if g is None or prim is None:
            return False
        for p, x, x_bar in zip(parents, args, prim.vjp(g, y, args, parents)):
            if p is None or x_bar is None:
                continue
            if _shape(x_bar) != _shape(x):
                x_bar = _unbroadcast(x_bar, _shape(x))
            adj[p] = x_bar if adj[p] is None else adj[p] + x_bar    # fan-out accumulates
        return True

    # -- teaching aids, kept out of the hot path
    def __len__(self) -> int:
        return len(self.entries)

    def backward_steps(self, out: "Var", out_bar: Any = 1.0):
        """The reverse sweep of :meth:`backward`, one entry at a time (a teaching aid).

        Yields ``(i, adjoints)`` each time entry ``i`` has passed its adjoint to its parents;
        ``adjoints`` is a copy of the list of adjoints so far (``None`` where nothing has arrived
        yet). The last yield holds the same adjoints as ``backward(out, out_bar, keep_all=True)``."""
        adj: list = [None] * (out.index + 1)
        adj[out.index] = out_bar
        for i in range(out.index, -1, -1):
            if self._pass_back(i, adj):
                yield i, list(adj)

    def listing(self) -> str:
        """One line per entry: ``v3 = multiply(v1, v2)  -> shape (3,)``."""
        lines = []
        for i, (prim, parents, args, y) in enumerate(self.entries):
            if prim is None:
                rhs = "input"
            else:
                rhs = f"{prim.name}(" + ", ".join(
                    f"v{p}" if p is not None else _brief(a) for p, a in zip(parents, args)) + ")"
            lines.append(f"v{i} = {rhs:<32} -> {_brief(y)}")
        return "\n".join(lines)

    __str__ = listing

    def __repr__(self) -> str:
        return f"<Tape: {len(self)} entries, {self.nbytes} bytes>"

    @property
    def nbytes(self) -> int:
        """Bytes of the distinct arrays (inputs and outputs) the tape keeps alive; a view (such as
        ``x[1:]``) counts as the memory of the array it looks into, counted once."""
        seen: dict[int, int] = {}
        for _, _, args, y in self.entries:
            for a in (*args, y):
                if isinstance(a, (np.ndarray, np.generic, float)):
                    while isinstance(a, np.ndarray) and isinstance(a.base, np.ndarray):
                        a = a.base
                    seen[id(a)] = getattr(a, "nbytes", 8)
        return int(np.sum(list(seen.values()), dtype=np.int64))


def _brief(x: Any) -> str:
    if isinstance(x, np.ndarray) and x.size > 4:
        return f"array{x.shape}"
    if isinstance(x, (np.ndarray, float, np.generic)):
        return np.array2string(np.asarray(x), precision=4) if np.ndim(x) else f"{float(x):.6g}"
    if isinstance(x, Dual):
        return f"Dual{x.shape}"
    return repr(x)


def _shape(x: Any) -> tuple:
    return getattr(x, "shape", ())


def _unbroadcast(g: Any, shape: tuple) -> Any:
    """Sum g over the axes that broadcasting added or stretched, so that it has ``shape``."""
    extra = len(_shape(g)) - len(shape)
    if extra > 0:
        g = np.sum(g, axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and _shape(g)[i] != 1)
    if stretched:
        g = np.sum(g, axis=stretched, keepdims=True)
    return g if _shape(g) == shape else np.broadcast_to(g, shape)


# --------------------------------------------------------------------------- variables
class Var:
    """A value recorded on a tape: ``.value`` (float, array or Dual), ``.tape`` and ``.index``."""

    __slots__ = ("value", "tape", "index")
    __array_priority__ = 1000

    def __init__(self, value: Any, tape: Tape, index: int) -> None:
        self.value, self.tape, self.index = value, tape, index

    shape = property(lambda self: _shape(self.value))
    ndim = property(lambda self: len(_shape(self.value)))
    size = property(lambda self: int(np.prod(_shape(self.value))))
    T = property(lambda self: transpose(self))

    def __repr__(self) -> str:
        return f"Var(v{self.index}, {self.value!r})"

    def __len__(self) -> int:
        return len(self.value)

    def __bool__(self) -> bool:                           # `if x:` reads the value
        return bool(self.value)

    def __add__(a, b): return add(a, b)
    def __radd__(a, b): return add(b, a)
    def __sub__(a, b): return subtract(a, b)
    def __rsub__(a, b): return subtract(b, a)
    def __mul__(a, b): return multiply(a, b)
    def __rmul__(a, b): return multiply(b, a)
    def __truediv__(a, b): return divide(a, b)
    def __rtruediv__(a, b): return divide(b, a)
    def __pow__(a, b): return power(a, b)
    def __rpow__(a, b): return power(b, a)
    def __matmul__(a, b): return matmul(a, b)
    def __rmatmul__(a, b): return matmul(b, a)
    def __neg__(a): return negative(a)
    def __pos__(a): return a
    def __abs__(a): return abs(a)
    def __getitem__(a, idx): return getitem(a, idx)

    # comparisons read the value and are not recorded: branches simply pick what gets recorded
    def __lt__(a, b): return a.value < _val(b)
    def __le__(a, b): return a.value <= _val(b)
    def __gt__(a, b): return a.value > _val(b)
    def __ge__(a, b): return a.value >= _val(b)
    def __eq__(a, b): return a.value == _val(b)
    def __ne__(a, b): return a.value != _val(b)
    __hash__ = object.__hash__

    def sum(a, axis=None, keepdims=False): return sum(a, axis, keepdims)
    def mean(a, axis=None): return mean(a, axis)
    def dot(a, b): return dot(a, b)
    def reshape(a, *shape): return reshape(a, shape[0] if len(shape) == 1 else shape)
    def transpose(a, *axes): return transpose(a, axes[0] if len(axes) == 1 else (axes or None))

    def swapaxes(a, i, j):
        axes = list(range(a.ndim))
        axes[i], axes[j] = axes[j], axes[i]
        return transpose(a, axes)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        fn = _UFUNCS.get(ufunc.__name__)
        if method != "__call__" or kwargs or fn is None:
            raise TypeError(f"numpy.{ufunc.__name__} (method {method!r}) has no backward rule in "
                            f"helpers.tape; supported numpy functions: {SUPPORTED}. "
                            "Add one with helpers.tape.defprimitive.")
        return fn(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        fn = _FUNCTIONS.get(func.__name__)
        if fn is None or getattr(np, func.__name__, None) is not func:
            raise TypeError(f"{func.__module__}.{func.__name__} has no backward rule in helpers.tape; "
                            f"supported numpy functions: {SUPPORTED}. "
                            "Add one with helpers.tape.defprimitive.")
        return fn(*args, **kwargs)

    def __array__(self, *args, **kwargs):
        raise TypeError("numpy tried to turn a tape variable into a plain array (np.asarray/"
                        "np.array), which would cut it off the tape. Use x.value to read the number, "
                        "or a helpers.tape function to compute with it.")

    def __float__(self):
        raise TypeError("float() of a tape variable would cut it off the tape; use x.value to read "
                        "the number outside the differentiated function.")


def _val(x: Any) -> Any:
    return x.value if isinstance(x, Var) else x


# --------------------------------------------------------------------------- primitives
class Primitive:
    """A function that records itself on the tape of its (innermost) Var inputs.

    ``rules[j](y_bar, y, *inputs)`` returns the adjoint of input j (``None`` for an input that
    is not differentiable); alternatively one ``backward(y_bar, y, *inputs)`` returns them all."""

    def __init__(self, name: str, forward: Callable, rules: Sequence = (),
                 backward: Callable | None = None) -> None:
        self.name, self.forward, self.rules, self.backward = name, forward, tuple(rules), backward

    def __call__(self, *args: Any) -> Any:
        tape = None
        for a in args:                                   # the innermost tape among the inputs
            if isinstance(a, Var) and (tape is None or a.tape.level > tape.level):
                tape = a.tape
        if tape is None:
            return self._forward(args)
        mine = [isinstance(a, Var) and a.tape is tape for a in args]
        values = tuple(a.value if m else a for a, m in zip(args, mine))
        parents = tuple(a.index if m else None for a, m in zip(args, mine))
        return tape.push(self, parents, values, self._forward(values))

    def _forward(self, values: tuple) -> Any:
        try:
            return self.forward(*values)
        except TypeError as exc:
            kinds = ", ".join(type(v).__name__ for v in values)
            raise TypeError(f"{self.name}: cannot compute on inputs of type ({kinds}): {exc}. "
                            f"Expected {_NUMERIC}.") from exc

    def vjp(self, g: Any, y: Any, args: tuple, parents: tuple) -> Sequence:
        if self.backward is not None:
            out = self.backward(g, y, *args)
            return out if isinstance(out, (tuple, list)) else (out,)
        return [rule(g, y, *args) if p is not None and rule is not None else None
                for rule, p in zip(self.rules, parents)]

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def defprimitive(forward: Callable, backward: Callable, name: str | None = None) -> Primitive:
    """Make ``forward`` a primitive with a hand-written backward rule.

    ``forward(*input_values) -> output_value`` computes on plain numbers/arrays;
    ``backward(out_bar, out_value, *input_values)`` returns a tuple with one adjoint per input
    (``None`` for a non-differentiable input such as an integer option). Adjoints that have the
    shape of a broadcast input are summed back automatically. Example::

        square = defprimitive(lambda x: x * x, lambda y_bar, y, x: (2 * x * y_bar,))
    """
    if not callable(forward) or not callable(backward):
        raise TypeError("defprimitive(forward, backward): both must be functions")
    return Primitive(name or getattr(forward, "__name__", "primitive"), forward, backward=backward)


def _p(name: str, forward: Callable, *rules: Callable | None) -> Primitive:
    return Primitive(name, forward, rules)


def _mT(x: Any) -> Any:
    return x.swapaxes(-1, -2)


def _matmul_a(g, y, a, b):                               # a_bar = g b^T (1-D cases spelled out)
    if np.ndim(b) == 1:
        return g * b if np.ndim(a) == 1 else g[..., None] * b
    return (b @ g) if np.ndim(a) == 1 else g @ _mT(b)


def _matmul_b(g, y, a, b):                               # b_bar = a^T g
    if np.ndim(a) == 1:
        return g * a if np.ndim(b) == 1 else a[:, None] * g
    return _mT(a) @ g


def _sum_rule(g, y, a, axis, keepdims):
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, _shape(a))


def _getitem_rule(g, y, a, idx):
    if isinstance(g, Var):                               # grad of grad: record the scatter
        return _scatter(g, _shape(a), idx)
    if isinstance(g, np.ndarray) and _basic(idx):
        x_bar = np.zeros(_shape(a), dtype=g.dtype)
        x_bar[idx] = g
        return x_bar
    return _scatter_add(g, _shape(a), idx)


def _scatter_add(g, shape, idx):
    import helpers.dual as dual
    return dual.scatter_add(shape, idx, g)               # repeated indices accumulate


def _basic(idx: Any) -> bool:
    """True for an index made of ints, slices, None and ... (no repeats possible)."""
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis
               for i in (idx if isinstance(idx, tuple) else (idx,)))


#            name          forward          backward rule for each input: rule(y_bar, y, *inputs)
add      = _p("add",      np.add,      lambda g, y, a, b: g,          lambda g, y, a, b: g)
subtract = _p("subtract", np.subtract, lambda g, y, a, b: g,          lambda g, y, a, b: -g)
multiply = _p("multiply", np.multiply, lambda g, y, a, b: g * b,      lambda g, y, a, b: g * a)
divide   = _p("divide",   np.divide,   lambda g, y, a, b: g / b,      lambda g, y, a, b: -g * y / b)
power    = _p("power",    np.power,    lambda g, y, a, b: g * b * a ** (b - 1),
                                       lambda g, y, a, b: g * y * np.log(a))
negative = _p("negative", np.negative, lambda g, y, a: -g)
sin      = _p("sin",      np.sin,      lambda g, y, x: g * np.cos(x))
cos      = _p("cos",      np.cos,      lambda g, y, x: -g * np.sin(x))
tan      = _p("tan",      np.tan,      lambda g, y, x: g * (1 + y * y))
exp      = _p("exp",      np.exp,      lambda g, y, x: g * y)
log      = _p("log",      np.log,      lambda g, y, x: g / x)
sqrt     = _p("sqrt",     np.sqrt,     lambda g, y, x: 0.5 * g / y)
tanh     = _p("tanh",     np.tanh,     lambda g, y, x: g * (1 - y * y))
sinh     = _p("sinh",     np.sinh,     lambda g, y, x: g * np.cosh(x))
cosh     = _p("cosh",     np.cosh,     lambda g, y, x: g * np.sinh(x))
arctan   = _p("arctan",   np.arctan,   lambda g, y, x: g / (1 + x * x))
abs      = _p("abs",      np.abs,      lambda g, y, x: g * np.sign(x))
maximum  = _p("maximum",  np.maximum,  lambda g, y, a, b: g * (a >= b), lambda g, y, a, b: g * (a < b))
where    = _p("where",    np.where,    None,  # the condition has no adjoint
                                       lambda g, y, c, a, b: np.where(c, g, 0.0),
                                       lambda g, y, c, a, b: np.where(c, 0.0, g))
matmul   = _p("matmul",   np.matmul,   _matmul_a, _matmul_b)
_sum     = _p("sum",      lambda a, axis, keepdims: np.sum(a, axis=axis, keepdims=keepdims), _sum_rule)
getitem  = _p("getitem",  lambda a, idx: a[idx], _getitem_rule)
_reshape = _p("reshape",  np.reshape,  lambda g, y, a, shape: np.reshape(g, _shape(a)))
_transp  = _p("transpose", np.transpose,
              lambda g, y, a, axes: np.transpose(g, None if axes is None else np.argsort(axes)))
_scatter = _p("scatter_add", _scatter_add, lambda g, y, a, shape, idx: g[idx])  # adjoint of getitem
_bcast   = _p("broadcast_to", np.broadcast_to, lambda g, y, a, shape: _unbroadcast(g, _shape(a)))
_expand  = _p("expand_dims", np.expand_dims, lambda g, y, a, axis: np.reshape(g, _shape(a)))


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Sum over ``axis`` (all by default). Backward: spread ``y_bar`` back over the summed axes."""
    return _sum(x, axis, keepdims)


def mean(x: Any, axis: Any = None) -> Any:
    """Mean over ``axis``: a sum divided by the count (not a primitive of its own)."""
    shape = _shape(_val(x))
    axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
    return sum(x, axis) / float(np.prod([shape[i] for i in axes]))


def reshape(x: Any, shape: Any) -> Any:
    return _reshape(x, shape)


def transpose(x: Any, axes: Any = None) -> Any:
    return _transp(x, None if axes is None else tuple(axes))


def _concat_backward(g, y, axis, *xs):
    ends = np.cumsum([_shape(x)[axis] for x in xs])
    lead = (slice(None),) * (axis % len(_shape(y)))
    return (None, *(g[lead + (slice(int(e) - _shape(x)[axis], int(e)),)] for e, x in zip(ends, xs)))


_concat = Primitive("concatenate", lambda axis, *xs: np.concatenate(xs, axis=axis),
                    backward=_concat_backward)


def concatenate(arrays: Sequence, axis: int = 0) -> Any:
    """Join arrays along ``axis``. Backward: split ``y_bar`` at the same places."""
    return _concat(axis, *arrays)


def stack(arrays: Sequence, axis: int = 0) -> Any:
    """Stack along a new ``axis``: concatenate the arrays, each given a new axis of length 1."""
    nd = np.ndim(_val(arrays[0])) + 1
    return concatenate([_expand(a, axis % nd) for a in arrays], axis % nd)


def dot(a: Any, b: Any) -> Any:
    """``np.dot`` for operands of dimension 0, 1 or 2."""
    if np.ndim(_val(a)) == 0 or np.ndim(_val(b)) == 0:
        return multiply(a, b)
    return matmul(a, b)


_UFUNCS = {"add": add, "subtract": subtract, "multiply": multiply, "divide": divide,
           "true_divide": divide, "power": power, "negative": negative, "positive": lambda a: a,
           "sin": sin, "cos": cos, "tan": tan, "exp": exp, "log": log, "sqrt": sqrt, "tanh": tanh,
           "sinh": sinh, "cosh": cosh, "arctan": arctan, "absolute": abs, "maximum": maximum,
           "matmul": matmul, "sign": lambda a: np.sign(_val(a)),
           "less": lambda a, b: _val(a) < _val(b), "less_equal": lambda a, b: _val(a) <= _val(b),
           "greater": lambda a, b: _val(a) > _val(b),
           "greater_equal": lambda a, b: _val(a) >= _val(b),
           "equal": lambda a, b: _val(a) == _val(b), "not_equal": lambda a, b: _val(a) != _val(b)}
_FUNCTIONS = {"sum": lambda a, axis=None, keepdims=False, **kw: sum(a, axis, keepdims),
              "mean": lambda a, axis=None, **kw: mean(a, axis), "where": where, "dot": dot,
              "matmul": matmul, "reshape": reshape, "transpose": transpose,
              "broadcast_to": _bcast, "expand_dims": _expand,
              "concatenate": lambda arrays, axis=0, **kw: concatenate(arrays, axis),
              "stack": lambda arrays, axis=0, **kw: stack(arrays, axis),
              "shape": lambda a: _shape(_val(a)), "ndim": lambda a: np.ndim(_val(a)),
              "size": lambda a: np.size(_val(a))}
SUPPORTED = ", ".join(sorted(set(_UFUNCS) | set(_FUNCTIONS)))


# --------------------------------------------------------------------------- drivers
def _leaf(x: Any, tape: Tape) -> Any:
    if isinstance(x, (tuple, list)):
        return type(x)(_leaf(xi, tape) for xi in x)
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool):
        x = float(x)
    elif isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
        x = x.astype(float) if x.dtype.kind != "f" else x
    elif not isinstance(x, (Dual, Var, np.ndarray)):
        raise TypeError(f"cannot differentiate with respect to a {type(x).__name__}; "
                        f"expected a float, a numpy array of floats, a Dual, or a tuple/list of these")
    v = tape.push(None, (), (), x)
    tape.inputs.append(v)
    return v


def record(f: Callable, x: Any) -> tuple[Any, Tape]:
    """Run ``f`` on ``x`` turned into tape variables; return ``(output, tape)``.

    ``output`` is a :class:`Var` (its ``.value`` is the number) when it depends on ``x``. ``x``
    may be a float, an array, or a tuple/list of them. Use it to look at the tape::

        y, tape = record(lambda x: x[0] * np.sin(x[1]), np.array([2.0, 0.5]))
        print(tape); len(tape); tape.nbytes
    """
    tape = Tape()
    return f(_leaf(x, tape)), tape


def _collect(x: Any, adj: list, tape: Tape, it: Any) -> Any:
    """Adjoints of the leaves, in the structure of x (zeros where x did not matter)."""
    if isinstance(x, (tuple, list)):
        return type(x)(_collect(xi, adj, tape, it) for xi in x)
    leaf = next(it)
    g = adj[leaf.index] if leaf.index < len(adj) else None
    if g is None:
        return 0.0 if _shape(x) == () and not isinstance(x, Dual) else np.zeros(_shape(x))
    if isinstance(g, (Dual, Var)):
        return g
    return float(g) if isinstance(x, (int, float)) else np.array(g, dtype=float).reshape(_shape(x))


def vjp(f: Callable, x: Any) -> tuple[Any, Callable]:
    r"""``(f(x), pullback)`` with ``pullback(y_bar) -> x_bar = J^T y_bar`` (shape of x).

    The forward run records the tape once; each pullback call is one reverse sweep."""
    out, tape = record(f, x)
    y = out.value if isinstance(out, Var) and out.tape is tape else out

    def pullback(y_bar: Any) -> Any:
        if not isinstance(y_bar, (Dual, Var)):
            y_bar = np.asarray(y_bar, dtype=float)
            if y_bar.shape != _shape(y):
                raise ValueError(f"pullback: y_bar has shape {y_bar.shape}, expected the shape of "
                                 f"f(x), {_shape(y)}")
        adj = tape.backward(out, y_bar) if isinstance(out, Var) and out.tape is tape else []
        return _collect(x, adj, tape, iter(tape.inputs))

    return y, pullback


def _check_output(y: Any) -> None:
    """grad needs a real number (or a recorded/dual real number) as the function's value."""
    inner = y.value if isinstance(y, Var) else y
    while isinstance(inner, Var):
        inner = inner.value
    if isinstance(inner, Dual):
        inner = inner.value
    ok = (isinstance(inner, (int, float, np.integer, np.floating)) and not isinstance(inner, bool)) or (
        isinstance(inner, np.ndarray) and inner.dtype.kind in "iuf")
    if not ok:
        if inner is None:
            kind = "None (is a return statement missing?)"
        elif isinstance(inner, (complex, np.complexfloating)):
            kind = "a complex number"
        elif isinstance(inner, np.ndarray):
            kind = f"an array of dtype {inner.dtype}"
        else:
            kind = f"a {type(inner).__name__}"
        raise TypeError(f"grad needs a function that returns a real number, but f(x) returned {kind} "
                        f"({inner!r:.60}); return the scalar loss itself")


def value_and_grad(f: Callable) -> Callable:
    """Like :func:`grad` but returns ``(f(x), ∇f(x))`` from the same run."""

    def vg(x: Any) -> tuple[Any, Any]:
        y, pullback = vjp(f, x)
        _check_output(y)
        if _shape(y) != ():
            raise ValueError(f"grad needs a scalar function, but f(x) has shape {_shape(y)}; "
                             "use vjp for vector outputs")
        return y, pullback(1.0)

    return vg


def grad(f: Callable) -> Callable:
    """``grad(f)(x)``: the gradient of a scalar ``f`` at ``x`` (same shape/structure as ``x``).

    Raises ``TypeError`` when ``f`` returns something that is not a real number (a string,
    ``None``, a boolean, a complex number, a list) and ``ValueError`` for an array output."""
    vg = value_and_grad(f)
    g = lambda x: vg(x)[1]                                 # noqa: E731
    g.__doc__ = f"Gradient of {getattr(f, '__name__', 'f')}."
    return g


def hessian(f: Callable, x: Any) -> np.ndarray:
    r"""Hessian of a scalar ``f`` by forward-over-reverse: run :func:`grad` on a dual input
    ``x + Σ_j e_j ε^j``; the backward rules then compute on duals, and the ε^j part of
    :math:`\nabla f` is column j of the Hessian. Shape ``x.shape + x.shape``."""
    x = np.asarray(x, dtype=float)
    n = x.size
    g = grad(f)(Dual(x, np.eye(n).reshape(x.shape + (n,))))
    if not isinstance(g, Dual):
        return np.zeros(x.shape + x.shape)
    return np.asarray(g.partials).reshape(x.shape + x.shape)
