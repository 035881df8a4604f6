r"""Reverse a time-stepping program with Bennett's reversible schedule and per-step VJPs.

The program and objective are those of :func:`helpers.checkpointing.checkpointed_vjp`:
:math:`x_{t+1} = f(x_t;\theta)` for :math:`t = 0..T-1` and

.. math:: \mathcal{L} = \langle \bar x_T^{\mathrm{seed}}, x_T\rangle + \sum_{t=0}^{T} c(t, x_t;\theta).

Here the states are revisited by a play of the *reversible* pebble game
(:class:`helpers.pebble.ReversibleGame`), the way a reversible program would run, as in the
seed's seismic benchmark:

* **Forward sweep.** Play the moves of :func:`helpers.pebble.bennett_moves` up to the (only)
  placement of cell :math:`T`, i.e. without the final uncomputation. ``place(i)`` computes
  :math:`x_i = f(x_{i-1})`; ``remove(i)`` uncomputes :math:`x_i` (in a reversible program this
  is one step run backward; here we emulate it by freeing the memory, and count it as a step).
* **Backward sweep.** Replay the forward sweep in reverse: an undone ``remove(i)`` recomputes
  :math:`x_i` from :math:`x_{i-1}`, an undone ``place(i)`` uncomputes :math:`x_i`. Let
  :math:`p_T` be the placement of :math:`T` and, going down, :math:`p_i` the last placement of
  cell :math:`i` before :math:`p_{i+1}`. When :math:`p_i` is undone the board is exactly as it
  was just after :math:`p_i`, so :math:`x_{i-1}` is on it (the rule of ``place``) and
  :math:`\bar x_i` is known (it was produced at :math:`p_{i+1}`, undone earlier): we run the
  VJP of step :math:`i`, :math:`\bar x_{i-1} = \bar x_i\,\partial f(x_{i-1})/\partial x_{i-1}
  + \partial_x c(i-1, x_{i-1})`. The adjoints thus come in the order :math:`T, T-1, ..., 1`,
  each meeting its input state.

Costs for :math:`T = k^n`: the full Bennett play takes :math:`(2k-1)^n` steps with
:math:`n(k-1)+1` pebbles; the forward sweep above is the prefix
:math:`F_n = (k-1)(2k-1)^{n-1} + F_{n-1} = [(2k-1)^n + 1]/2` of it, the backward sweep as many
again, so :math:`(2k-1)^n + 1` steps in all (half of them uncomputations) plus :math:`T` VJPs,
with at most :math:`n(k-1) + 1` states besides :math:`x_0`. The gradient equals the store-all one
exactly (same operations on the same states).

Both executors of :mod:`helpers.checkpointing` run it: ``executor="compiled"`` (the default
with JAX) writes the two sweeps as one checkpoint-game play (an undone removal is a
placement, the VJP at :math:`p_i` is the paint of cell :math:`i-1`, an undone placement a
removal) and runs it as one XLA program; ``executor="reference"`` replays the sweeps move by
move from Python, as the text above reads.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from helpers.checkpointing import CheckpointedVJP, compiled_run, timed_run
from helpers.pebble import IllegalMove, ReversibleGame, bennett_moves
from helpers.stepping import (check_arguments, choose_executor, make_backend, memory_method,
                              precompile, residual_choice)

__all__ = ["reversible_vjp", "bennett_vjp", "adjoint_placements", "sweeps_as_checkpoint_moves"]


def adjoint_placements(moves: Sequence, n_steps: int) -> dict[int, int]:
    r"""For a reversible-game play that reaches cell ``n_steps``, the move index :math:`p_i` at
    which the backward sweep runs the VJP of step :math:`i` (see the module docstring):
    :math:`p_T` is the last placement of :math:`T`, and :math:`p_i` the last placement of
    :math:`i` before :math:`p_{i+1}`. Returns ``{i: p_i}`` for :math:`i = 1..T`."""
    import bisect

    by_cell: dict[int, list[int]] = {}  # move indices of each cell's placements, increasing
    for j, (a, c) in enumerate(moves):
        if a == "place":
            by_cell.setdefault(c, []).append(j)
    if n_steps not in by_cell:
        raise IllegalMove(f"the moves never place cell {n_steps}: the forward sweep does not reach x_T")
    p = {n_steps: by_cell[n_steps][-1]}
    for i in range(n_steps - 1, 0, -1):
        js = by_cell.get(i, [])
        k = bisect.bisect_left(js, p[i + 1])
        if k == 0:
            raise IllegalMove(f"cell {i} is never placed before the placement of cell {i + 1} "
                              f"at move {p[i + 1]}")
        p[i] = js[k - 1]
    return p


def sweeps_as_checkpoint_moves(forward: Sequence, vjp_at: dict, n_steps: int) -> list:
    """The forward and backward sweeps of a reversible play as one checkpoint-game play on
    ``0..n_steps``: the forward moves as they are, ``paint(T)``, then the forward sweep in
    reverse, where an undone ``remove(i)`` is ``place(i)`` and an undone ``place(i)`` is
    ``remove(i)``, preceded by ``paint(i - 1)`` when it is the placement :math:`p_i`
    (``vjp_at`` maps move indices to cells, see :func:`adjoint_placements`)."""
    moves = [tuple(m) for m in forward] + [("paint", n_steps)]
    for j in range(len(forward) - 1, -1, -1):
        a, i = forward[j]
        if a == "remove":
            moves.append(("place", i))
        else:
            if j in vjp_at:
                moves.append(("paint", i - 1))
            moves.append(("remove", i))
    return moves


def _backward_sweep(be, forward, vjp_at, states, sizes, params, x_bar, p_bar, costs, counts):
    """Replay the forward sweep in reverse (module docstring), move by move."""
    for j in range(len(forward) - 1, -1, -1):
        a, i = forward[j]
        if a == "remove":  # undone uncomputation: recompute x_i from x_{i-1}
            states[i] = be.step(states[i - 1], params)
            counts["calls"] += 1
            sizes[i] = be.nbytes(states[i])
            counts["bytes"] += sizes[i]
            counts["peak_bytes"] = max(counts["peak_bytes"], counts["bytes"])
        else:
            if j in vjp_at:  # this placement's input x_{i-1} meets the adjoint of x_i
                x_bar, p_bar = be.pullback(i - 1, states[i - 1], params, x_bar, p_bar, costs)
                counts["vjps"] += 1
            del states[i]  # undone computation: uncompute x_i
            counts["bytes"] -= sizes.pop(i)
            counts["uncompute"] += 1
    return x_bar, p_bar


def _play_sweeps(be, forward, vjp_at, x0, params, adjoint_seed, n_steps):
    """The reference executor of the two sweeps."""
    states: dict[int, Any] = {0: be.start(x0)}
    sizes: dict[int, int] = {0: be.nbytes(states[0])}
    counts = {"calls": 0, "uncompute": 0, "vjps": 0, "bytes": sizes[0], "peak_bytes": sizes[0]}
    costs: list = []
    for a, i in forward:  # forward sweep
        if a == "place":  # compute x_i from x_{i-1}
            states[i] = be.step(states[i - 1], params)
            counts["calls"] += 1
            sizes[i] = be.nbytes(states[i])
            counts["bytes"] += sizes[i]
            counts["peak_bytes"] = max(counts["peak_bytes"], counts["bytes"])
        else:  # uncompute x_i (emulated: forget it)
            del states[i]
            counts["bytes"] -= sizes.pop(i)
            counts["uncompute"] += 1
    value = be.inner(adjoint_seed, states[n_steps])
    x_bar, p_bar = be.seed(n_steps, states[n_steps], params, adjoint_seed, costs)
    x_bar, p_bar = _backward_sweep(be, forward, vjp_at, states, sizes, params, x_bar, p_bar, costs,
                                   counts)
    for v in costs:  # the running costs, summed in the order of the backward sweep
        value += v
    return {"x_bar": x_bar, "p_bar": p_bar, "value": value, **counts}


def reversible_vjp(
    step: Callable,
    x0: Any,
    n_steps: int,
    adjoint_seed: Any,
    moves: Sequence,
    params: Any = None,
    step_cost: Callable | None = None,
    backend: str = "jax",
    *,
    measure_memory: bool | str = True,
    jit: bool = True,
    executor: str = "auto",
    residuals: bool | str = "auto",
) -> CheckpointedVJP:
    r"""Gradient of :math:`\langle\bar x_T^{\rm seed}, x_T\rangle + \sum_t c(t, x_t;\theta)` by
    the forward and backward sweeps of a reversible-game play (module docstring).

    ``moves`` is a reversible-game play (``("place"|"remove", cell)`` tuples); it is cut after
    its last placement of cell ``n_steps`` (the rest would be the final uncomputation).
    The result is a :class:`helpers.checkpointing.CheckpointedVJP`: ``forward_steps`` counts
    the calls of ``step`` (placements, forward and backward sweeps), ``extra["uncompute_steps"]``
    the removals (steps a reversible program would run backward), ``extra["game_steps"]``
    their sum, ``peak_states`` the most states held at once with :math:`x_0` included
    (the game's peak + 1), ``vjp_calls`` = ``n_steps``. ``measure_memory``, ``jit``,
    ``executor`` and ``residuals`` are those of :func:`helpers.checkpointing.checkpointed_vjp`.
    """
    n_steps = check_arguments(step, x0, n_steps, adjoint_seed, params, step_cost, backend,
                              min_steps=1, jit=jit)
    try:
        moves = [tuple(m) for m in moves]
    except TypeError:
        raise TypeError(f"moves must be a list of ('place'|'remove', cell) moves, got "
                        f"{type(moves).__name__}") from None
    for k, m in enumerate(moves):
        if len(m) != 2 or m[0] not in ("place", "remove"):
            raise IllegalMove(f"move {k}: {m[0] if m else m!r} is not a reversible-game move "
                              "(use 'place' or 'remove')")
    method = memory_method(measure_memory)
    chosen = choose_executor(executor, backend, jit)
    res_choice = residual_choice(residuals)
    p = adjoint_placements(moves, n_steps)
    forward = moves[:p[n_steps] + 1]
    vjp_at = {j: i for i, j in p.items()}
    # Referee the forward sweep once, before any step runs. The backward sweep replays it in
    # reverse, through the same boards, so it is legal and its peak is the same.
    game = ReversibleGame(n_steps, record=False)
    for k, move in enumerate(forward):
        try:
            game.move(move)
        except IllegalMove as exc:
            raise IllegalMove(f"move {k}: {exc}") from None
    n_place = sum(a == "place" for a, _ in forward)
    n_remove = len(forward) - n_place
    extra = {"uncompute_steps": n_place + n_remove, "game_steps": 2 * (n_place + n_remove),
             "forward_sweep_moves": len(forward)}
    common = dict(schedule="bennett", moves=2 * len(forward), n_steps=n_steps,
                  n_checkpoints=game.peak + 1, peak_states=game.peak + 1)
    if chosen == "compiled":
        ckpt = sweeps_as_checkpoint_moves(forward, vjp_at, n_steps)
        out, plan, prep, plan_seconds = compiled_run(step, x0, n_steps, adjoint_seed, ckpt, params,
                                                     step_cost, method, res_choice)
        report = out["memory"]
        return CheckpointedVJP(
            x0_bar=out["x0_bar"], params_bar=out["p_bar"] if params is not None else None,
            value=out["value"], forward_steps=plan.forward_steps, vjp_calls=plan.paints - 1,
            peak_state_bytes=(game.peak + 1) * prep.state.nbytes,
            peak_bytes=None if report is None else report.peak_bytes, seconds=out["seconds"],
            extra={**extra, "plan_seconds": plan_seconds, "n_ops": plan.n_ops,
                   **({} if report is None else {"memory": report})},
            executor="compiled", dispatches=out["dispatches"], evaluations=plan.evaluations,
            memory_method=None if report is None else report.method,
            compile_seconds=out["compile_seconds"], pool_slots=plan.pool_slots,
            pool_bytes=out["pool_bytes"], **common)

    be = make_backend(backend, step, params, step_cost, jit)
    precompile(be, x0, params, adjoint_seed, n_steps)  # compile before timing and measuring
    out, seconds, report = timed_run(
        lambda: _play_sweeps(be, forward, vjp_at, x0, params, adjoint_seed, n_steps), method)
    return CheckpointedVJP(
        x0_bar=be.finish(out["x_bar"]), params_bar=None if params is None else be.finish(out["p_bar"]),
        value=out["value"], forward_steps=out["calls"], vjp_calls=out["vjps"],
        peak_state_bytes=int(out["peak_bytes"]), peak_bytes=None if report is None else report.peak_bytes,
        seconds=seconds, extra={**extra, **({} if report is None else {"memory": report})},
        executor="reference", dispatches=out["calls"] + 2 * out["vjps"] + 1,
        evaluations=out["calls"], memory_method=None if report is None else report.method, **common)


def bennett_vjp(step: Callable, x0: Any, k: int, levels: int, adjoint_seed: Any,
                params: Any = None, step_cost: Callable | None = None, backend: str = "jax",
                **kwargs: Any) -> CheckpointedVJP:
    r""":func:`reversible_vjp` with Bennett's schedule (:func:`helpers.pebble.bennett_moves`)
    on :math:`T = k^{\text{levels}}` steps: :math:`(2k-1)^n + 1` game steps (``n = levels``),
    peak :math:`n(k-1) + 2` states with :math:`x_0`."""
    moves = bennett_moves(k, levels)
    return reversible_vjp(step, x0, k ** levels, adjoint_seed, moves, params, step_cost, backend, **kwargs)
