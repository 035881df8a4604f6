r"""A tiny reversible language, written in Python syntax and run by a small interpreter.

A program is Python source restricted to statements that can always be undone:

=====================  ==================================  ==========================
statement              meaning                             inverse
=====================  ==================================  ==========================
``x += e``             add ``e`` to ``x``                  ``x -= e``
``x -= e``             subtract                            ``x += e``
``x *= e``, ``x /= e``  scale by a non-zero integer ``e``   ``x /= e``, ``x *= e``
                       (integers only; ``/=`` must divide
                       exactly)
``x ^= e``             bitwise xor (integers)              ``x ^= e``
``swap(a, b)``         exchange two registers              ``swap(a, b)``
``if c: A else: B``    branch; ``c`` may not be changed    ``if c: inv(B')`` ...
                       by either branch
``for i in range(..)`` loop; the bounds and ``i`` are      the inverted body over
                       read-only inside the body           ``reversed(range(..))``
=====================  ==================================  ==========================

The expression ``e`` may read any register except the one being updated (``x += x`` would
double ``x``, and ``x -= x`` cannot undo that), and may call ``abs, min, max, sin, cos, exp,
log, sqrt, floor, int, float`` and nothing else (an unknown name is refused when the program is
parsed). Targets may be registers (``x``) or items of arrays (``a[i]``); the index of a target
may not read the array it updates (``a[a[0]] += 1`` could move its own target, so the inverse
would update another item). Every register starts at zero unless given, so ancilla (scratch)
registers are clean at the start, and :meth:`Program.run` can check that they are clean at the
end.

**Exact and inexact updates.** On integers every statement is undone exactly. ``*=`` and
``/=`` are refused at run time unless both sides are integers, and ``/=`` unless the division
is exact (``7 /= 2`` would truncate); a value that would be truncated when stored into an
integer array is refused too. ``+=`` and ``-=`` are allowed on floating-point numbers, but
there they are *not* exactly invertible: ``(x + a) - a`` may differ from ``x`` by one rounding,
and in a chaotic or dissipative computation such roundings grow (see chapter 8).

Because each statement has an exact inverse, :meth:`Program.inverse` is obtained
mechanically: reverse the statement order and invert each one. :func:`uncompute` builds
Bennett's *compute, copy, uncompute* program, which returns every scratch register to zero
and keeps only a copy of the wanted outputs.
"""

from __future__ import annotations

import ast
import copy
import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

__all__ = ["ReversibilityError", "StepBudgetExceeded", "Program", "parse", "uncompute", "Trace"]

_FUNCS = {"abs": abs, "min": min, "max": max, "sin": math.sin, "cos": math.cos,
          "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "floor": math.floor,
          "int": int, "float": float, "range": range, "reversed": reversed, "len": len}
_AUG = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/=", ast.BitXor: "^="}
_INV = {"+=": "-=", "-=": "+=", "*=": "/=", "/=": "*=", "^=": "^="}


class ReversibilityError(ValueError):
    """A statement that cannot be undone, or a run that breaks a reversibility condition."""


class StepBudgetExceeded(RuntimeError):
    """A run executed more elementary statements than its ``max_steps`` allows."""


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - set(_FUNCS)


def _base(target: ast.AST) -> str:
    while isinstance(target, ast.Subscript):
        target = target.value
    if not isinstance(target, ast.Name):
        raise ReversibilityError(f"cannot assign to {ast.unparse(target)!r}: use a register name or an array item")
    return target.id


_EXPR_NODES = (ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Subscript,
               ast.Slice, ast.Tuple, ast.Call, ast.IfExp, ast.operator, ast.unaryop, ast.boolop,
               ast.cmpop, ast.expr_context)
_CALLABLE = sorted(set(_FUNCS) - {"range", "reversed"})


def _check_expr(node: ast.AST, where: str, *, loop: bool = False) -> None:
    """Refuse what the language does not have: calls of unknown functions, attributes,
    lambdas, comprehensions... (``loop`` allows ``range``/``reversed``, in a for header)."""
    for n in ast.walk(node):
        if not isinstance(n, _EXPR_NODES):
            raise ReversibilityError(f"{where}: '{ast.unparse(n)}' is not part of the reversible "
                                     "language (registers, numbers, arithmetic, comparisons, "
                                     f"items a[i] and the functions {', '.join(_CALLABLE)})")
        if isinstance(n, ast.Call):
            name = n.func.id if isinstance(n.func, ast.Name) else None
            known = _FUNCS if loop else _CALLABLE
            if name not in known or n.keywords:
                raise ReversibilityError(
                    f"{where}: '{ast.unparse(n)}' calls {ast.unparse(n.func)!r}, which is not a function "
                    f"of the reversible language; it knows {', '.join(_CALLABLE)}")


def _expr(node: ast.AST):
    return compile(ast.unparse(node), "<reversible>", "eval")


def _is_int(v) -> bool:
    """Integer-valued in the type sense: Python ints and numpy integer scalars or arrays."""
    if isinstance(v, (bool, np.bool_)):
        return True
    if isinstance(v, (int, np.integer)):
        return True
    return isinstance(v, np.ndarray) and v.dtype.kind in "iub"


# --------------------------------------------------------------------------- statements
@dataclass
class _Update:
    target: ast.AST
    op: str
    value: ast.AST
    line: str = ""

    def __post_init__(self) -> None:
        self.base = _base(self.target)
        _check_expr(self.value, f"'{self.source()}'")
        _check_expr(self.target, f"'{self.source()}'")
        self._t = _expr(self.target)
        self._v = _expr(self.value)
        if isinstance(self.target, ast.Name) and self.base in _names(self.value):
            raise ReversibilityError(
                f"'{self.source()}' reads its own target {self.base!r}: the update could not be "
                "undone (x += x doubles x, and x -= x then gives 0)")
        if isinstance(self.target, ast.Subscript):
            _no_self_index(self.target, self.source())
            self._idx = _expr(self.target.slice)
            self._arr = _expr(self.target.value)

    def source(self) -> str:
        return f"{ast.unparse(self.target)} {self.op} {ast.unparse(self.value)}"

    def inverse(self) -> "_Update":
        return _Update(self.target, _INV[self.op], self.value)

    def writes(self) -> set[str]:
        return {self.base}

    def run(self, env: dict, ctx: "_Ctx") -> None:
        v = eval(self._v, ctx.glob, env)
        if isinstance(self.target, ast.Name):
            old = env[self.base]
            env[self.base] = _apply(old, self.op, v, self)
        else:
            arr = eval(self._arr, ctx.glob, env)
            idx = eval(self._idx, ctx.glob, env)
            new = _apply(arr[idx], self.op, v, self)
            if isinstance(arr, np.ndarray) and arr.dtype.kind in "iu" and not _is_int(new) \
                    and np.any(np.asarray(new) != np.round(np.asarray(new))):
                raise ReversibilityError(f"'{self.source()}' would store a fraction into the integer "
                                         f"array {self.base!r}, which truncates it: the update could "
                                         "not be undone")
            arr[idx] = new
            v2 = eval(self._v, ctx.glob, env)
            if not np.array_equal(np.asarray(v2), np.asarray(v)):
                raise ReversibilityError(f"'{self.source()}' read the item it updates (aliasing at "
                                         "run time): the update could not be undone")
        ctx.count(self)


def _apply(old, op, v, stmt=None):
    """``old op v`` for an update statement ``stmt`` (named in the error messages)."""
    if op == "+=":
        return old + v
    if op == "-=":
        return old - v
    def source() -> str:
        return stmt.source() if stmt is not None else ""

    if op == "^=":
        if not (_is_int(old) and _is_int(v)):
            raise ReversibilityError(f"'{source()}': ^= (xor) works on integers only")
        return old ^ v
    # *= and /= : exact on integers only
    if not (_is_int(old) and _is_int(v)):
        raise ReversibilityError(
            f"'{source()}': {op} on floating-point numbers is not exactly invertible ((x * a) / a "
            "can differ from x by a rounding); use integers, or += and -=")
    if np.any(np.asarray(v) == 0):
        raise ReversibilityError(f"'{source()}': scaling by zero erases the register and cannot be undone")
    if op == "*=":
        return old * v
    if np.any(np.asarray(old) % np.asarray(v) != 0):
        raise ReversibilityError(f"'{source()}': the division is not exact, so /= would truncate and "
                                 "could not be undone by *=")
    return old // v


def _no_self_index(target: ast.AST, source: str) -> None:
    """Refuse ``a[a[0]] += ...``: an index that reads the array being updated."""
    base = _base(target)
    node = target
    while isinstance(node, ast.Subscript):
        if base in _names(node.slice):
            raise ReversibilityError(
                f"'{source}': the index of the target reads the array {base!r} that the statement "
                "updates, so the update could move its own target and the inverse would change "
                "another item")
        node = node.value


@dataclass
class _Swap:
    a: ast.AST
    b: ast.AST

    def __post_init__(self) -> None:
        if ast.unparse(self.a) == ast.unparse(self.b):
            raise ReversibilityError(f"swap({ast.unparse(self.a)}, {ast.unparse(self.b)}): swap needs two different registers")
        self.bases = {_base(self.a), _base(self.b)}
        for t in (self.a, self.b):
            _check_expr(t, self.source())
            if isinstance(t, ast.Subscript):
                _no_self_index(t, self.source())
        self._a, self._b = _expr(self.a), _expr(self.b)

    def source(self) -> str:
        return f"swap({ast.unparse(self.a)}, {ast.unparse(self.b)})"

    def inverse(self) -> "_Swap":
        return self

    def writes(self) -> set[str]:
        return set(self.bases)

    def run(self, env: dict, ctx: "_Ctx") -> None:
        va = copy.copy(eval(self._a, ctx.glob, env))
        vb = copy.copy(eval(self._b, ctx.glob, env))
        _assign(self.a, vb, env, ctx)
        _assign(self.b, va, env, ctx)
        ctx.count(self)


def _assign(target: ast.AST, value, env: dict, ctx: "_Ctx") -> None:
    if isinstance(target, ast.Name):
        env[target.id] = value
    else:
        arr = eval(_expr(target.value), ctx.glob, env)
        arr[eval(_expr(target.slice), ctx.glob, env)] = value


@dataclass
class _If:
    cond: ast.AST
    body: list
    orelse: list

    def __post_init__(self) -> None:
        _check_expr(self.cond, f"'if {ast.unparse(self.cond)}'")
        self._c = _expr(self.cond)
        changed = _names(self.cond) & (_writes(self.body) | _writes(self.orelse))
        if changed:
            raise ReversibilityError(
                f"'if {ast.unparse(self.cond)}': the branches change {sorted(changed)}, which the "
                "condition reads, so the inverse could not tell which branch was taken")

    def source_lines(self, indent: str) -> list[str]:
        out = [f"{indent}if {ast.unparse(self.cond)}:"] + _lines(self.body, indent + "    ")
        if self.orelse:
            out += [f"{indent}else:"] + _lines(self.orelse, indent + "    ")
        return out

    def inverse(self) -> "_If":
        return _If(self.cond, _inverse(self.body), _inverse(self.orelse))

    def writes(self) -> set[str]:
        return _writes(self.body) | _writes(self.orelse)

    def run(self, env: dict, ctx: "_Ctx") -> None:
        c = bool(eval(self._c, ctx.glob, env))
        _run(self.body if c else self.orelse, env, ctx)
        if bool(eval(self._c, ctx.glob, env)) != c:  # cannot happen after the static check
            raise ReversibilityError(f"'if {ast.unparse(self.cond)}': the condition changed inside the branch")


@dataclass
class _For:
    var: str
    iter: ast.AST
    body: list

    def __post_init__(self) -> None:
        call = self.iter
        self.rev = False
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "reversed":
            self.rev = True
            call = call.args[0]
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "range"):
            raise ReversibilityError(f"for loops must run over range(...) or reversed(range(...)), got "
                                     f"{ast.unparse(self.iter)!r}")
        self.range = call
        _check_expr(call, f"'for {self.var} in {ast.unparse(self.iter)}'", loop=True)
        self._r = _expr(call)
        bad = (_names(call) | {self.var}) & _writes(self.body)
        if bad:
            raise ReversibilityError(f"'for {self.var} in {ast.unparse(self.iter)}': the body changes "
                                     f"{sorted(bad)}, so the loop could not be run backwards")

    def source_lines(self, indent: str) -> list[str]:
        return [f"{indent}for {self.var} in {ast.unparse(self.iter)}:"] + _lines(self.body, indent + "    ")

    def inverse(self) -> "_For":
        it = self.range if self.rev else ast.Call(func=ast.Name("reversed"), args=[self.range], keywords=[])
        return _For(self.var, it, _inverse(self.body))

    def writes(self) -> set[str]:
        return _writes(self.body)

    def run(self, env: dict, ctx: "_Ctx") -> None:
        r = eval(self._r, ctx.glob, env)
        saved = env.get(self.var, _MISSING)
        for i in (reversed(r) if self.rev else r):
            env[self.var] = i
            _run(self.body, env, ctx)
        if saved is _MISSING:
            env.pop(self.var, None)
        else:
            env[self.var] = saved


_MISSING = object()


def _writes(stmts: list) -> set[str]:
    out: set[str] = set()
    for s in stmts:
        out |= s.writes()
    return out


def _reads(stmts: list) -> set[str]:
    out: set[str] = set()
    for st in stmts:
        for node in ("target", "value", "a", "b", "cond", "iter"):
            if hasattr(st, node):
                out |= _names(getattr(st, node))
        for blk in ("body", "orelse"):
            if hasattr(st, blk):
                out |= _reads(getattr(st, blk))
        if isinstance(st, _For):
            out.discard(st.var)
    return out


def _inverse(stmts: list) -> list:
    return [s.inverse() for s in reversed(stmts)]


def _lines(stmts: list, indent: str) -> list[str]:
    if not stmts:
        return [f"{indent}pass"]
    out: list[str] = []
    for s in stmts:
        out += s.source_lines(indent) if hasattr(s, "source_lines") else [indent + s.source()]
    return out


def _run(stmts: list, env: dict, ctx: "_Ctx") -> None:
    for s in stmts:
        s.run(env, ctx)


@dataclass
class Trace:
    """Record of a run: each elementary statement executed, with the registers after it."""

    lines: list = field(default_factory=list)
    states: list = field(default_factory=list)


class _Ctx:
    def __init__(self, trace: Trace | None, watch: Iterable[str], max_steps: int | None = None):
        self.glob = {"__builtins__": {}, **_FUNCS}
        self.steps = 0
        self.max_steps = max_steps
        self.trace = trace
        self.watch = list(watch)
        self.env: dict = {}

    def count(self, stmt) -> None:
        self.steps += 1
        if self.max_steps is not None and self.steps > self.max_steps:
            raise StepBudgetExceeded(f"the program ran more than {self.max_steps:,} elementary statements "
                                     f"(stopped at {stmt.source()!r}); look for a loop whose range is far "
                                     "larger than intended")
        if self.trace is not None:
            self.trace.lines.append(stmt.source())
            self.trace.states.append({k: copy.deepcopy(self.env[k]) for k in self.watch if k in self.env})


# --------------------------------------------------------------------------- programs
def _convert(nodes: list[ast.stmt]) -> list:
    out = []
    for n in nodes:
        if isinstance(n, ast.AugAssign):
            op = _AUG.get(type(n.op))
            if op is None:
                raise ReversibilityError(f"line {n.lineno}: '{ast.unparse(n)}' is not reversible; "
                                         "use +=, -=, *=, /=, ^= or swap(a, b)")
            out.append(_Update(n.target, op, n.value))
        elif isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and \
                isinstance(n.value.func, ast.Name) and n.value.func.id == "swap":
            if len(n.value.args) != 2:
                raise ReversibilityError(f"line {n.lineno}: swap takes two registers")
            out.append(_Swap(*n.value.args))
        elif isinstance(n, ast.If):
            out.append(_If(n.test, _convert(n.body), _convert(n.orelse)))
        elif isinstance(n, ast.For):
            if not isinstance(n.target, ast.Name) or n.orelse:
                raise ReversibilityError(f"line {n.lineno}: use 'for i in range(...)' without else")
            out.append(_For(n.target.id, n.iter, _convert(n.body)))
        elif isinstance(n, ast.Pass):
            continue
        elif isinstance(n, ast.Assign):
            raise ReversibilityError(
                f"line {n.lineno}: '{ast.unparse(n)}' overwrites its target and erases the old value "
                "(not reversible); use 'x += ...' on a zero register instead")
        else:
            raise ReversibilityError(f"line {n.lineno}: '{ast.unparse(n)}' is not a statement of the "
                                     "reversible language (+=, -=, *=, /=, ^=, swap, if, for)")
    return out


class Program:
    """A reversible program: run it forward, invert it, print it.

    Build one with :func:`parse`. ``run(**registers)`` returns the registers after the run
    (registers not given start at zero; arrays are copied, never modified in place);
    ``inverse()`` returns the program that undoes it; ``str(program)`` is its source.
    """

    def __init__(self, statements: list, registers: Iterable[str] = ()):
        self.statements = statements
        self.registers = sorted(set(registers) | _writes(statements) | _reads(statements))
        self.steps = 0

    def __str__(self) -> str:
        return "\n".join(_lines(self.statements, ""))

    def __repr__(self) -> str:
        return f"Program(\n{self}\n)"

    def inverse(self) -> "Program":
        """The program that undoes this one: statements reversed, each one inverted."""
        return Program(_inverse(self.statements), self.registers)

    def run(self, *, trace: bool = False, clean: Iterable[str] = (), max_steps: int | None = None,
            **registers: Any):
        """Run forward and return the registers as a dict (and a :class:`Trace` if asked).

        Registers not given start at 0. ``clean`` lists registers that must end at zero
        (scratch registers after an uncomputation); otherwise :class:`ReversibilityError`.
        ``max_steps`` bounds the elementary statements executed (:class:`StepBudgetExceeded`
        beyond it; ``None``: no bound), so that a checker cannot hang on a huge loop.
        """
        if max_steps is not None and (isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer))
                                      or max_steps < 1):
            raise ValueError(f"max_steps must be a positive integer or None, got {max_steps!r}")
        env: dict = {r: 0 for r in self.registers}
        for k, v in registers.items():
            env[k] = np.array(v, copy=True) if isinstance(v, (np.ndarray, list)) else v
        tr = Trace() if trace else None
        ctx = _Ctx(tr, sorted(env), max_steps)
        ctx.env = env
        if tr is not None:
            tr.lines.append("(start)")
            tr.states.append({k: copy.deepcopy(v) for k, v in env.items()})
        _run(self.statements, env, ctx)
        self.steps = ctx.steps
        dirty = [r for r in clean if np.any(np.asarray(env.get(r, 0)) != 0)]
        if dirty:
            raise ReversibilityError(f"registers {dirty} should be clean (zero) at the end but are not: "
                                     f"{ {r: env[r] for r in dirty} }")
        return (env, tr) if trace else env

    def __add__(self, other: "Program") -> "Program":
        return Program(self.statements + other.statements, set(self.registers) | set(other.registers))


def parse(source: str) -> Program:
    """Parse reversible-language source (Python syntax, see the module docstring).

    Raises :class:`ReversibilityError` naming the offending line for any statement that is
    not reversible (``x = 1``, ``x += x``, an ``if`` whose branch changes its condition, ...).
    """
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError as exc:
        raise ReversibilityError(f"syntax error in the reversible program: {exc}") from None
    return Program(_convert(tree.body))


def uncompute(program: Program, outputs: dict[str, str]) -> Program:
    """Bennett's trick: compute, copy the outputs, uncompute.

    ``outputs`` maps each register to keep to a fresh (zero) register that receives its copy,
    e.g. ``{"y": "y_out"}``. The result runs ``program``, then ``y_out += y`` for each
    output, then ``program.inverse()``: every register ``program`` wrote returns to its start
    value, and only the copies remain. Costs twice the steps plus the copies.
    """
    for src, dst in outputs.items():
        if dst in program.registers:
            raise ReversibilityError(f"the copy register {dst!r} is used by the program; pick a fresh name")
    copies = parse("\n".join(f"{dst} += {src}" for src, dst in outputs.items()))
    return program + copies + program.inverse()
