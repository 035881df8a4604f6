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
"""

from __future__ import annotations

import time
import tracemalloc
from typing import Any, Callable, Sequence

import numpy as np

from helpers.checkpointing import CheckpointedVJP, _backend, _precompile
from helpers.pebble import IllegalMove, ReversibleGame, bennett_moves

__all__ = ["reversible_vjp", "bennett_vjp", "adjoint_placements"]


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
    measure_memory: bool = True,
    jit: bool = True,
) -> CheckpointedVJP:
    r"""Gradient of :math:`\langle\bar x_T^{\rm seed}, x_T\rangle + \sum_t c(t, x_t;\theta)` by
    the forward and backward sweeps of a reversible-game play (module docstring).

    ``moves`` is a reversible-game play (``("place"|"remove", cell)`` tuples); it is cut after
    its last placement of cell ``n_steps`` (the rest would be the final uncomputation).
    The result is a :class:`helpers.checkpointing.CheckpointedVJP`: ``forward_steps`` counts
    the calls of ``step`` (placements, forward and backward sweeps), ``extra["uncompute_steps"]``
    the removals (steps a reversible program would run backward), ``extra["game_steps"]``
    their sum, ``peak_states`` the most states held at once with :math:`x_0` included
    (the game's peak + 1), ``vjp_calls`` = ``n_steps``.
    """
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 1:
        raise ValueError(f"n_steps must be an integer >= 1, got {n_steps!r}")
    n_steps = int(n_steps)
    moves = [tuple(m) for m in moves]
    for k, (a, c) in enumerate(moves):
        if a not in ("place", "remove"):
            raise IllegalMove(f"move {k}: {a!r} is not a reversible-game move (use 'place' or 'remove')")
    p = adjoint_placements(moves, n_steps)
    forward = moves[:p[n_steps] + 1]
    vjp_at = {j: i for i, j in p.items()}
    be = _backend(backend, step, params, step_cost, jit, host_copies=measure_memory)
    # Referee the forward sweep once, before any step runs. The backward sweep replays it in
    # reverse, through the same boards, so it is legal and its peak is the same.
    game = ReversibleGame(n_steps, record=False)
    for k, move in enumerate(forward):
        try:
            game.move(move)
        except IllegalMove as exc:
            raise IllegalMove(f"move {k}: {exc}") from None
    # the forward sweep as (cell, is_placement), and the backward sweep as
    # (cell, is_recomputation, vjp_here): undoing a removal recomputes, undoing a placement
    # uncomputes, after the VJP of step i if this placement is p_i
    fwd_plan = [(i, a == "place") for a, i in forward]
    bwd_plan = [(i, a == "remove", j in vjp_at) for j, (a, i) in reversed(list(enumerate(forward)))]

    tracing = False
    if measure_memory and backend == "jax":
        # compile before tracing, so that the traced peak is the schedule's, not the compiler's
        _precompile(be, x0, params, adjoint_seed, n_steps)
    if measure_memory:
        tracing = not tracemalloc.is_tracing()
        if tracing:
            tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()

    states: dict[int, Any] = {0: be.start(x0)}
    sizes: dict[int, int] = {0: be.nbytes(states[0])}
    state_bytes = peak_state_bytes = sizes[0]
    n_calls = n_uncompute = vjp_calls = 0
    value, costs = 0.0, []

    try:
        for i, placing in fwd_plan:  # forward sweep
            if placing:  # compute x_i from x_{i-1}
                states[i] = be.step(states[i - 1], params)
                n_calls += 1
                sizes[i] = be.nbytes(states[i])
                state_bytes += sizes[i]
                peak_state_bytes = max(peak_state_bytes, state_bytes)
            else:  # uncompute x_i (emulated: forget it)
                del states[i]
                state_bytes -= sizes.pop(i)
                n_uncompute += 1
        value += be.inner(adjoint_seed, states[n_steps])
        x_bar, p_bar = be.seed(n_steps, states[n_steps], params, adjoint_seed, costs)
        for i, recompute, vjp_here in bwd_plan:  # backward sweep
            if recompute:
                states[i] = be.step(states[i - 1], params)
                n_calls += 1
                sizes[i] = be.nbytes(states[i])
                state_bytes += sizes[i]
                peak_state_bytes = max(peak_state_bytes, state_bytes)
            else:
                if vjp_here:  # this placement's input x_{i-1} meets the adjoint of x_i
                    x_bar, p_bar = be.pullback(i - 1, states[i - 1], params, x_bar, p_bar, costs)
                    vjp_calls += 1
                del states[i]
                state_bytes -= sizes.pop(i)
                n_uncompute += 1
        for v in costs:  # the running costs, summed in the order of the backward sweep
            value += v
        seconds = time.perf_counter() - t0
        peak_bytes = int(tracemalloc.get_traced_memory()[1] - base) if measure_memory else None
    finally:
        if tracing:
            tracemalloc.stop()
    return CheckpointedVJP(
        x0_bar=be.finish(x_bar), params_bar=None if params is None else be.finish(p_bar),
        value=value, forward_steps=n_calls, vjp_calls=vjp_calls, peak_states=game.peak + 1,
        peak_state_bytes=int(peak_state_bytes), peak_bytes=peak_bytes, schedule="bennett",
        moves=2 * len(forward), n_steps=n_steps, n_checkpoints=game.peak + 1, seconds=seconds,
        extra={"uncompute_steps": n_uncompute, "game_steps": n_calls + n_uncompute,
               "forward_sweep_moves": len(forward)},
    )


def bennett_vjp(step: Callable, x0: Any, k: int, levels: int, adjoint_seed: Any,
                params: Any = None, step_cost: Callable | None = None, backend: str = "jax",
                **kwargs: Any) -> CheckpointedVJP:
    r""":func:`reversible_vjp` with Bennett's schedule (:func:`helpers.pebble.bennett_moves`)
    on :math:`T = k^{\text{levels}}` steps: :math:`(2k-1)^n + 1` game steps (``n = levels``),
    peak :math:`n(k-1) + 2` states with :math:`x_0`."""
    moves = bennett_moves(k, levels)
    return reversible_vjp(step, x0, k ** levels, adjoint_seed, moves, params, step_cost, backend, **kwargs)
