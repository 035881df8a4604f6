r"""Run a checkpoint-game move plan inside XLA: the compiled executor of
:func:`helpers.checkpointing.checkpointed_vjp` and :func:`helpers.reversible_vjp.reversible_vjp`.

The move-by-move executor calls one jitted function per placement and per paint from Python,
so a gradient costs :math:`F + T` host dispatches (:math:`F` forward steps, :math:`T` VJPs).
Here the moves become data and the whole play is **one** compiled call.

**From moves to operations** (:func:`compile_plan`, on the host, once per schedule). Every
placement produces a state; it is *transient* when its only use is the very next placement
(a walk forward, kept in the loop carry), otherwise it is *stored* in a slot of a preallocated
buffer. Slots are recycled when the game removes a cell, so the play needs as many slots as
it ever stores at once (``pool_slots`` :math:`\le` ``n_checkpoints``; the buffer allocated has
at least that many, :func:`pool_capacity`). The moves then
group into operations, one row each of an integer table:

* an **advance** reads the state of a slot, runs the step ``n`` times and writes the result to
  a slot (a forward sweep: the transient cells of the walk are never stored);
* a **block** is a run of single placements :math:`a+1..e`, every one stored, followed by the
  paints of :math:`e, e-1, \dots, \ell` (a store-all stretch, as at the leaves of Treeverse and
  in every segment of uniform checkpointing). It runs as a forward loop that stores the states
  of the block and a reverse loop of per-step VJPs, painting :math:`e` down to :math:`\ell`
  (the seed first if :math:`e = T`).

**Residual blocks.** A per-step VJP at a stored state re-runs the step to linearise it, so a
block costs about :math:`2\,t_{\rm fwd} + t_{\rm transpose}` per step. When the states of a
block are used by nothing but the block, the forward loop can instead keep, in each cell's
slot, the *residuals* that ``jax.vjp`` of that step saves (the linearisation point: what
reverse mode through ``lax.scan`` keeps per step) and the reverse loop applies the saved
pullbacks: :math:`t_{\rm fwd} + t_{\rm transpose}` per step, one more step evaluation per
block (the step out of the block's top cell, whose state the game had already dropped). When
the block's base state :math:`x_\ell` must outlive the block (a checkpoint the game uses
again), its slot is taken, so the residual of step :math:`c` goes to the slot of cell
:math:`c+1` and the top cell is painted by a VJP at the state in hand. Only the residuals that
depend on the state or on :math:`t` are stored (found by JAX's partial evaluation with the
parameters known, :func:`residual_layout`); those that depend on the parameters alone (a
velocity model, say) are computed once per gradient, as is every other parameter-only part of
the step, its VJP and the running cost (:func:`_hoisted`). A slot is a flat vector per dtype,
as wide as a state, or as wide as the residuals if they are larger. ``residuals="auto"`` uses
residual blocks only when the residuals fit in a state's slot, so the buffer is exactly
``pool_slots`` states; ``True`` always (a wider buffer when the residuals are larger, e.g. RK4
keeps its four stages), ``False`` never.

**Data layout.** The buffer of each dtype ``d`` of the state (and of the residuals) is a
``(capacity, width_d)`` block of memory, one row per slot; a state is the concatenation of its
raveled leaves of that dtype. The block is stored as column *panels* (:func:`slot_panels`), cut
at the edges of every wide leaf of the state and of the residuals, so that a wide leaf is read
and written as whole rows of its own ``(capacity, n)`` array, as ``lax.scan`` stacks each
residual in an array of its own (a leaf that fills part of a wider row is about 20 % slower to
store and read on a CPU).
Row ``k`` of the operation table holds the columns of :data:`COLUMNS`; ``slots`` is one flat
integer list of the slots each operation stores to or paints from. The rows come in groups
(:meth:`Plan.groups`): a chain of advance rows followed by one block row (an empty padded row
if the group has none). The interpreter is a ``lax.fori_loop`` over the groups; a group reads
its first state once, runs its advances in a loop that carries the state and writes each
advance's slot, then runs its block row on the state in hand: a few ``lax.fori_loop`` with
data-dependent trip counts (zero when the row has no such part), with
``lax.dynamic_update_slice`` into the buffer.
Running costs are summed on the device in painting order (:math:`T, T-1, \dots, 0`), the
parameter adjoint is accumulated in the same order, and nothing returns to the host until the
gradient is done.

The columns of a row: ``kind`` (0 advance, 1 block, 2 residual block; for reading), ``src`` and
``t_src`` (the slot and cell of the starting state), ``n_plain`` (steps whose states are not
kept), ``n_store`` and ``store_off`` (steps whose states go to ``slots[store_off:]``), ``n_res``
and ``res_off`` (steps whose residuals go to ``slots[res_off:]``), ``dst`` (the slot that
receives the final state, ``-1`` for none), ``seed`` (1 when the top cell is :math:`T`),
``n_rev``, ``rev_off`` and ``rev_lo`` (paints from the stored states of cells
``rev_lo .. rev_lo + n_rev - 1``, top down, their slots at ``slots[rev_off:]``), ``top`` (1:
paint the top cell at the state in hand, before the residual paints). A row has no
conditional: XLA would copy the whole buffer into a conditional's branches, doubling the
memory.

**One program for many plans.** The table and the slot list are arguments of the compiled
program, padded to a length that depends on :math:`T` only (:func:`plan_shape`), so the
program depends on the step functions, the state layout, the residual mode, :math:`T` and the
buffer's capacity, not on the schedule or the budget. The buffer is the one thing a budget
changes: an XLA program has fixed buffer sizes, and the buffer is the memory the budget buys.
:func:`pool_capacity` therefore shares a buffer of :math:`T + 1` slots among all budgets when
it is small (:data:`SHARED_POOL_BYTES`), and otherwise allocates what the plan needs unless the
caller names a shared capacity. :func:`compilations` counts the programs compiled.

**Small states.** XLA's CPU backend compiles a loop whose body reads and writes less than
1 KiB per trip (``xla_cpu_small_while_loop_byte_threshold``; an in-place update counts only
its update) into one native function instead of a sequence of kernel calls: two to nine times
faster per step on the Lorenz steps and VJPs of ``benchmarks/bench_checkpointing.py``. Other
loop bodies run kernel by kernel, one after the other when every buffer they touch has at most
512 bytes, when the body has at most eight kernels or when its kernels form a chain, and
otherwise through a dataflow scheduler, two to three times as costly per step. States under
:data:`SMALL_LOOP_BYTES` are therefore stored and painted through a local buffer of
:func:`chunk_size` states, copied to and from the slots one chunk at a time: the forward steps
of a chunk run as one native function, and the paints of a chunk touch no buffer larger than
the chunk. (Reading each state from the slot buffer inside the paint loop, or a chunk of 768
bytes, made the Lorenz gradient of ``benchmarks/bench_checkpointing.py`` 2.2 times slower.)

**Loops.** Two more measured habits of the CPU backend shape the interpreter: a loop that
steps a state too large for the small loops forward runs two steps per trip (:func:`_loop2`: a
step that shifts its state makes XLA copy buffers on every trip, but not across two), and every
group of rows runs its block row directly, never inside a loop of zero or one trip (one more
loop per group cost 2-6 % of the Lorenz gradient; :meth:`Plan.groups`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Sequence

import numpy as np

from helpers.stepping import step_functions

__all__ = ["COLUMNS", "Plan", "compile_plan", "StateLayout", "Prepared", "prepare", "run_plan", "bind", "Bound",
           "residual_layout", "chunk_size", "SMALL_LOOP_BYTES", "plan_shape", "pool_capacity",
           "slot_layout", "slot_panels", "PANEL_MIN", "SHARED_POOL_BYTES", "compilations"]

COLUMNS = ("kind", "src", "t_src", "n_plain", "n_store", "store_off", "n_res", "res_off", "dst",
           "seed", "n_rev", "rev_off", "rev_lo", "top")
(KIND, SRC, T_SRC, N_PLAIN, N_STORE, STORE_OFF, N_RES, RES_OFF, DST, SEED, N_REV, REV_OFF,
 REV_LO, TOP) = range(len(COLUMNS))
ADVANCE, STATE_BLOCK, RESIDUAL_BLOCK = 0, 1, 2  # the kinds of operation
PLACE, REMOVE, PAINT = 0, 1, 2
_CODES = {"place": PLACE, "remove": REMOVE, "paint": PAINT}


@dataclass
class Plan:
    """A move list compiled to operations (module docstring).

    ``table`` (``n_ops`` rows of :data:`COLUMNS`) and ``slots`` drive the interpreter;
    ``pool_slots`` is the buffer's number of slots and ``x0_slot`` the slot of :math:`x_0`.
    Counts of the play: ``forward_steps`` (placements), ``evaluations`` (step evaluations the
    executor makes: placements plus one per residual block that does not end at :math:`T`),
    ``paints``, ``peak_states`` (most pebbles on the board at once, :math:`x_0` included),
    ``residual_blocks`` and ``state_blocks`` (the fused blocks of each kind), ``moves``.
    """

    table: np.ndarray
    slots: np.ndarray
    n_steps: int
    pool_slots: int
    x0_slot: int
    forward_steps: int
    evaluations: int
    paints: int
    peak_states: int
    residual_blocks: int
    state_blocks: int
    moves: int

    @property
    def n_ops(self) -> int:
        return int(self.table.shape[0])

    def device_arrays(self, chunk: int = 1):
        """The table and slot list padded and on the default device, with the row count: the
        arguments of the interpreter, made once per plan. Both are padded to a length that
        depends on :math:`T` alone (:func:`plan_shape`), so every plan of the same :math:`T`
        (any budget, any named schedule) has the same shapes and runs in the same compiled
        program."""
        cache = self.__dict__.setdefault("_device", {})
        if chunk not in cache:
            import jax.numpy as jnp

            self.check_rows()

            n_rows, n_slots = plan_shape(self.n_steps, chunk, self.n_ops, len(self.slots))
            table = np.zeros((n_rows, len(COLUMNS)), np.int32)
            table[:self.n_ops] = self.table
            slots = np.zeros(n_slots, np.int32)
            slots[:len(self.slots)] = self.slots
            groups = np.zeros((n_rows, 3), np.int32)
            g = self.groups()
            groups[:len(g)] = g
            # a group without a block runs the last row of the padded table, all zeros: a block
            # row with nothing to do (plan_shape leaves at least one such row)
            groups[:len(g), 2] = np.where(g[:, 2] < 0, n_rows - 1, g[:, 2])
            cache[chunk] = (jnp.asarray(table), jnp.asarray(slots), jnp.asarray(groups), jnp.int32(len(g)))
        return cache[chunk]

    def check_rows(self) -> None:
        """Raise ``ValueError`` unless every row has only the parts :func:`compile_plan` gives
        its kind: an advance row plain steps and a final slot; a state block stored states,
        the seed and paints; a residual block plain steps, residuals, the seed, the top cell
        and paints. The interpreter relies on it: advance rows run only steps and a write, no
        block row writes a final slot, and a program without residual blocks traces no
        plain-step, residual or top-cell loop in a block row, so a table made otherwise would be
        executed wrongly, not slowly. (A residual block with stored states would run in a
        program with residual blocks, but no plan has one: it is refused as malformed.)"""
        t = self.table
        col = {c: t[:, i] for i, c in enumerate(COLUMNS)}
        kind = col["kind"]
        bad = {
            "a block row with a final slot (dst)": (kind != ADVANCE) & (col["dst"] >= 0),
            "a state block with plain steps, residuals or a top cell": (kind == STATE_BLOCK) & (
                (col["n_plain"] != 0) | (col["n_res"] != 0) | (col["top"] != 0)),
            "a residual block with stored states": (kind == RESIDUAL_BLOCK) & (col["n_store"] != 0),
            "an advance row with stores, residuals, the seed or paints": (kind == ADVANCE) & (
                (col["n_store"] != 0) | (col["n_res"] != 0) | (col["seed"] != 0) | (col["n_rev"] != 0)
                | (col["top"] != 0)),
            "an advance row without a final slot": (kind == ADVANCE) & (col["dst"] < 0),
            "an unknown kind": (kind < ADVANCE) | (kind > RESIDUAL_BLOCK),
        }
        for what, rows in bad.items():
            if rows.any():
                raise ValueError(f"Plan: row {int(np.argmax(rows))} is {what}")

    def groups(self) -> np.ndarray:
        """The rows in groups of ``(first row, advances, block row)``: a chain of plain
        advances (rows of kind 0, each starting from the slot the previous one wrote) followed
        by at most one other row (``block row`` is its index, or -1), which starts from the
        slot the chain wrote last. The interpreter reads a group's first state once and carries
        the state through the group (each advance still writes its slot); the advances run in
        a loop of their own, whose body is only the steps and a write, where a full row would
        run a dozen loops of zero trips. Every group runs one block row, an empty one if it has
        none (:meth:`device_arrays`): a loop of zero or one trip around the block cost about
        2-6 % of a Lorenz gradient (the entry of one more loop per group)."""
        out = []
        i, n = 0, self.n_ops
        t = self.table
        kinds, src, dst = (t[:, COLUMNS.index(c)] for c in ("kind", "src", "dst"))
        while i < n:
            j = i
            while j < n and kinds[j] == ADVANCE and (j == i or src[j] == dst[j - 1]):
                j += 1
            has_block = int(j < n and kinds[j] != ADVANCE and (j == i or src[j] == dst[j - 1]))
            out.append((i, j - i, j if has_block else -1))
            i = j + has_block
        return np.asarray(out, np.int32).reshape(-1, 3)

    def describe(self) -> str:
        """One line per operation, for reading a plan (small plans only)."""
        lines = []
        for row in self.table:
            r = dict(zip(COLUMNS, (int(v) for v in row)))
            parts = [f"from slot {r['src']} (cell {r['t_src']})"]
            if r["n_plain"]:
                parts.append(f"advance {r['n_plain']}")
            if r["n_store"]:
                parts.append(f"store {r['n_store']} states")
            if r["n_res"]:
                parts.append(f"store {r['n_res']} residuals")
            if r["dst"] >= 0:
                parts.append(f"write slot {r['dst']}")
            if r["seed"]:
                parts.append("seed")
            if r["top"]:
                parts.append("paint the top cell at the state in hand")
            if r["n_res"]:
                parts.append(f"paint {r['n_res']} from residuals")
            if r["n_rev"]:
                parts.append(f"paint cells {r['rev_lo'] + r['n_rev'] - 1}..{r['rev_lo']} from states")
            lines.append(", ".join(parts))
        return "\n".join(lines)


def _codes(moves: Sequence) -> list[tuple[int, int]]:
    out = []
    for k, mv in enumerate(moves):
        try:
            a, c = mv
            out.append((_CODES[a] if isinstance(a, str) else int(a), int(c)))
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"move {k}: {mv!r} is not a move ('place'|'remove'|'paint', cell)") from None
    return out


def compile_plan(moves: Sequence, n_steps: int, *, residuals: bool = False) -> Plan:
    """Compile a legal checkpoint-game play on cells ``0..n_steps`` into a :class:`Plan`.

    The play must be legal (referee explicit lists with :class:`helpers.pebble.CheckpointGame`
    first); ``moves`` are ``(action, cell)`` pairs with action ``"place"``, ``"remove"`` or
    ``"paint"`` (or the codes 0, 1, 2). With ``residuals=True`` the blocks whose states serve
    only the block become residual blocks (module docstring)."""
    T = int(n_steps)
    mv = _codes(moves)

    # pass 1: the placement events and their uses ("consumers")
    live = {0: -1}  # cell -> event holding it; -1 is x0
    pred: list[int] = []
    cell_of: list[int] = []
    n_use: dict[int, int] = {-1: 0}
    next_use: dict[int, bool] = {}  # event e is used by the placement event e + 1
    for a, c in mv:
        if a == PLACE:
            e = len(pred)
            p = live.get(c - 1)
            if p is None:
                raise ValueError(f"compile_plan: place({c}) without a state on cell {c - 1}; "
                                 "referee the moves first")
            pred.append(p)
            cell_of.append(c)
            n_use[p] += 1
            if p == e - 1:
                next_use[p] = True
            n_use[e] = 0
            live[c] = e
        elif a == REMOVE:
            live.pop(c, None)
        else:
            n_use[live[c]] += 1

    def stored(e: int) -> bool:
        return e == -1 or not (n_use[e] == 1 and next_use.get(e, False))

    # pass 2: primitive operations; slots recycled at removals (slot_at keeps each event's slot)
    free: list[int] = []
    slot_at = {-1: 0}
    holding: dict[int, int] = {0: -1}  # cell -> event, as in pass 1
    in_use, n_slots, peak_slots = 1, 1, 1
    on_board, peak_states = 1, 1
    prims: list[tuple] = []  # ("adv", src_event, n, dst_event) | ("paint", event, cell)
    chain_src, chain_len = None, 0
    e = -1
    for a, c in mv:
        if a == PLACE:
            e += 1
            on_board += 1
            peak_states = max(peak_states, on_board)
            if chain_src is None:
                chain_src, chain_len = pred[e], 0
            chain_len += 1
            holding[c] = e
            if stored(e):
                if free:
                    s = free.pop()
                else:
                    s, n_slots = n_slots, n_slots + 1
                slot_at[e] = s
                in_use += 1
                peak_slots = max(peak_slots, in_use)
                prims.append(("adv", chain_src, chain_len, e))
                chain_src = None
        elif a == REMOVE:
            on_board -= 1
            ev = holding.pop(c)
            if stored(ev):
                free.append(slot_at[ev])
                in_use -= 1
        else:
            prims.append(("paint", holding[c], c))

    # pass 3: fuse single-step chains followed by paints into blocks; emit the rows
    rows: list[list[int]] = []
    flat: list[int] = []
    n_evals = n_paints = n_res_blocks = n_state_blocks = 0

    def row(**kw) -> None:
        r = [0] * len(COLUMNS)
        r[DST] = -1
        for k, v in kw.items():
            r[COLUMNS.index(k)] = int(v)
        rows.append(r)

    i, n = 0, len(prims)
    while i < n:
        # a chain of single placements, each stored and each the source of the next
        j = i
        while (j < n and prims[j][0] == "adv" and prims[j][2] == 1
               and (j == i or prims[j][1] == prims[j - 1][3])):
            j += 1
        k = j - i
        if k:
            top = cell_of[prims[j - 1][3]]
            base_ev = prims[i][1]
            base = 0 if base_ev == -1 else cell_of[base_ev]
        else:
            top = prims[i][2] if prims[i][0] == "paint" else None
        m = 0
        while (top is not None and j + m < n and prims[j + m][0] == "paint"
               and prims[j + m][2] == top - m):
            m += 1
        if m == 0:  # no block here: a plain advance
            _, src_ev, steps, dst_ev = prims[i]
            row(kind=ADVANCE, src=slot_at[src_ev], t_src=(0 if src_ev == -1 else cell_of[src_ev]),
                n_plain=steps, dst=slot_at[dst_ev])
            n_evals += steps
            i += 1
            continue
        paints = prims[j:j + m]
        lo = top - m + 1
        seed = top == T
        n_paints += m
        if not k:
            base, base_ev = top, paints[0][1]
        block_events = [prims[q][3] for q in range(i, j)]  # cells base+1..top
        use_res = residuals and k >= 1 and lo <= base + 1 and all(
            n_use[ev] == (1 if ev == block_events[-1] else 2) for ev in block_events)
        if use_res:
            if lo <= base and not (n_use[base_ev] == 2 and base_ev in slot_at):
                # x_base is needed later, so its slot is taken: the residual of step c goes to
                # the slot of cell c + 1 (free once x_{c+1} has been used), and the top cell,
                # which has no slot left for its residual, is painted from the state in hand (a
                # VJP at x_top)
                r_lo, top_in_hand = base, not seed
                res_cells = list(range(base, top))
                res_slots = [slot_at[block_events[cc - base]] for cc in res_cells]
            else:
                # the residual of the step out of `base` may overwrite x_base if nothing else
                # needs it
                r_lo = base if (lo <= base and n_use[base_ev] == 2 and base_ev in slot_at) else base + 1
                top_in_hand = False
                res_cells = list(range(r_lo, top if seed else top + 1))
                res_slots = [slot_at[base_ev] if cc == base else slot_at[block_events[cc - base - 1]]
                             for cc in res_cells]
            state_cells = list(range(lo, r_lo))
            state_slots = [slot_at[p[1]] for p in paints if p[2] < r_lo][::-1]
            assert len(state_slots) == len(state_cells)
            res_off = len(flat)
            flat.extend(res_slots)
            rev_off = len(flat)
            flat.extend(state_slots)
            row(kind=RESIDUAL_BLOCK, src=slot_at[base_ev], t_src=base, n_plain=r_lo - base,
                n_res=len(res_cells), res_off=res_off, seed=seed, top=top_in_hand,
                n_rev=len(state_cells), rev_off=rev_off, rev_lo=lo)
            n_evals += (r_lo - base) + len(res_cells) + top_in_hand
            n_res_blocks += 1
        else:
            store_slots = [slot_at[ev] for ev in block_events]
            painted = [p for p in paints if p[2] != T]  # the seed paints T; the rest are VJPs
            rev_slots = [slot_at[p[1]] for p in painted][::-1]  # cells lo..top', upward
            store_off = len(flat)
            flat.extend(store_slots)
            rev_off = len(flat)
            flat.extend(rev_slots)
            src_ev = base_ev if k else paints[0][1]
            row(kind=STATE_BLOCK, src=slot_at[src_ev], t_src=base if k else top, n_store=k,
                store_off=store_off,
                seed=seed, n_rev=len(painted), rev_off=rev_off, rev_lo=lo)
            n_evals += k
            if k:
                n_state_blocks += 1
        i = j + m

    table = np.asarray(rows, dtype=np.int32).reshape(-1, len(COLUMNS))
    return Plan(table=table, slots=np.asarray(flat, dtype=np.int32), n_steps=T,
                pool_slots=peak_slots, x0_slot=0, forward_steps=e + 1, evaluations=n_evals,
                paints=n_paints, peak_states=peak_states, residual_blocks=n_res_blocks,
                state_blocks=n_state_blocks, moves=len(mv))


# =========================================================================== the device side
@dataclass(frozen=True)
class StateLayout:
    """How a pytree (a state, or one step's stored residuals) sits in a slot: for each leaf its
    dtype, offset, size and shape inside the flat row of that dtype."""

    treedef: Any
    leaves: tuple  # ((dtype name, offset, size, shape), ...)
    widths: tuple  # ((dtype name, total size), ...)

    @staticmethod
    def of(avals: Sequence, treedef: Any = None, wide_first: bool = False) -> "StateLayout":
        """The layout of ``avals`` in order; with ``wide_first`` the leaves of at least
        :data:`PANEL_MIN` numbers come first in the row and the small ones after them, side by
        side (so that the small ones share one panel and are stored with one update)."""
        sizes = [int(np.prod(a.shape, dtype=np.int64)) for a in avals]
        order = list(range(len(avals)))
        if wide_first:
            order.sort(key=lambda i: sizes[i] < PANEL_MIN)  # stable: wide leaves, then small
        offsets: dict[str, int] = {}
        at = {}
        for i in order:
            d = np.dtype(avals[i].dtype).name
            at[i] = offsets.get(d, 0)
            offsets[d] = at[i] + sizes[i]
        leaves = tuple((np.dtype(a.dtype).name, at[i], sizes[i], tuple(a.shape)) for i, a in enumerate(avals))
        return StateLayout(treedef, leaves, tuple(sorted(offsets.items())))

    def width(self, dtype: str) -> int:
        return dict(self.widths).get(dtype, 0)

    @property
    def nbytes(self) -> int:
        return int(sum(np.dtype(d).itemsize * w for d, w in self.widths))


def residual_layout(step: Callable, x0: Any, params: Any, step_cost: Callable | None):
    r"""Which residuals of one step's ``jax.vjp`` (with the running cost) must be stored per
    step: returns ``(layout, per_step)`` where ``per_step[i]`` says whether residual leaf ``i``
    depends on the state or on :math:`t` (JAX's partial evaluation of the jaxpr with the
    parameters known, which looks inside nested calls); the others depend on the parameters
    only and are computed once. ``layout`` describes the per-step leaves."""
    import jax
    from jax._src.interpreters import partial_eval as pe

    fns = step_functions(step, params is not None, step_cost)
    t0 = jax.numpy.zeros((), dtype=jax.numpy.asarray(0).dtype)
    # the argument order (x, t, p) is the one the interpreter traces the step in (_hoisted)
    closed = jax.make_jaxpr(lambda x, t, p: _residual_leaves(fns, x, p, t))(x0, t0, params)
    n_x = len(jax.tree_util.tree_leaves(x0))
    n_p = len(jax.tree_util.tree_leaves(params))
    _, _, unknown, _ = pe.partial_eval_jaxpr_nounits(closed, [True] * (n_x + 1) + [False] * n_p,
                                                     instantiate=False)
    per_step = tuple(bool(u) for u in unknown)
    avals = [a for a, keep in zip(closed.out_avals, per_step) if keep]
    if step_cost is not None:
        avals.append(jax.eval_shape(lambda x, p, t: fns.cost(t, x, p), x0, params, t0))
    return StateLayout.of(avals, wide_first=True), per_step


def _vjp_h(fns, x, p, t):
    """``jax.vjp`` at (x, p) of the step, paired with the running cost at time ``t`` when there
    is one: returns ``(primal, pullback)``; the pullback takes ``x_bar`` (and the cost's
    cotangent 1) and returns the cotangents of x (and p)."""
    import jax

    if fns.cost is None:
        h = fns.f
    else:
        def h(x, p):
            return fns.f(x, p), fns.cost(t, x, p)
    if fns.has_p:
        return jax.vjp(h, x, p)
    return jax.vjp(lambda z: h(z, None), x)


def _residual_leaves(fns, x, p, t):
    import jax

    _, pullback = _vjp_h(fns, x, p, t)
    return jax.tree_util.tree_leaves(pullback)


def _hoisted(fn: Callable, p: Any, *args: Any, split: bool = False):
    r"""``g(*args) = fn(*args, p)`` with the arithmetic that depends on ``p`` alone done once,
    now, instead of in every call (``args`` are examples of the arguments: arrays or pytrees).

    The function is traced to a jaxpr and split by data dependence (JAX's partial evaluation,
    ``p`` known, ``args`` unknown): the known part runs here and its results (residuals) are
    closed over by ``g``. Inside the interpreter ``p`` is loop-invariant, but XLA hoists such
    arithmetic only out of the innermost loops, into the body of the loop over rows, where it
    ran on every row (about 20 us per row on the seismic step of chapter 16). Only for
    functions that are not differentiated afterwards (the residual split keeps no tangents).

    With ``split=True`` (``p`` must not be ``None``) returns ``(g, known, unknown)``: the
    outputs of ``fn`` (flattened) that depend on ``p`` alone are computed once (``known``),
    ``g(*args)`` returns the others, and ``unknown[i]`` says which list output ``i`` is in."""
    import jax
    from jax._src import core
    from jax._src.interpreters import partial_eval as pe

    tu = jax.tree_util
    if p is None:
        return lambda *a: fn(*a, p)
    a_leaves, a_tree = tu.tree_flatten(args)
    p_leaves, p_tree = tu.tree_flatten(p)
    n_a = len(a_leaves)
    out_tree: list = []

    def flat(*leaves):
        out = fn(*tu.tree_unflatten(a_tree, leaves[:n_a]), tu.tree_unflatten(p_tree, leaves[n_a:]))
        o, t = tu.tree_flatten(out)
        out_tree.append(t)
        return o

    specs = [jax.ShapeDtypeStruct(np.shape(v), v.dtype) for v in a_leaves + p_leaves]
    closed = jax.make_jaxpr(flat)(*specs)
    known, unknown, out_unknown, res_avals = pe.partial_eval_jaxpr_nounits(
        closed, [True] * n_a + [False] * len(p_leaves), instantiate=not split)
    res = core.jaxpr_as_fun(known)(*p_leaves)
    n_known = len(res) - len(res_avals)
    known_outs, res = list(res[:n_known]), list(res[n_known:])
    call = core.jaxpr_as_fun(unknown)
    if split:
        return (lambda *a: list(call(*res, *tu.tree_leaves(a)))), known_outs, list(out_unknown)

    def g(*a):
        return tu.tree_unflatten(out_tree[-1], call(*res, *tu.tree_leaves(a)))

    return g


def _pad(n: int) -> int:
    """Next power of two >= max(n, 8)."""
    return max(8, 1 << (max(n, 1) - 1).bit_length())


def plan_shape(n_steps: int, chunk: int = 1, n_ops: int = 0, n_slot_entries: int = 0) -> tuple[int, int]:
    r"""``(rows, slot entries)`` of the padded operation table and slot list for a plan on
    ``n_steps`` steps: the next power of two above :math:`2(T+1)` (and above the plan's own
    sizes), with at least one spare row (the empty block of :meth:`Plan.groups`) and
    ``chunk`` spare slot entries. The named schedules stay within
    :math:`2(T+1)` rows and slot entries at every budget (``tests/test_checkpointing.py``
    checks every budget for :math:`T \le 120`), so their shapes depend on :math:`T` alone; an
    explicit move list that stores and drops the same cells many times can exceed it and then
    gets a program of its own."""
    base = 2 * (int(n_steps) + 1)
    return _pad(max(base, n_ops) + 1), _pad(max(base, n_slot_entries) + chunk)


SMALL_LOOP_BYTES = 384
"""States this small are stored and painted in chunks of ``SMALL_LOOP_BYTES // state bytes``
through a local buffer (module docstring: XLA's ``SmallWhileLoopHoistingPass`` and its
sequential thunk executor for buffers of at most 512 bytes; 768 bytes made the Lorenz gradient
2.2 times slower; 192 bytes made no difference beyond the noise of about 3 %). Larger states
use one loop iteration per step."""


def chunk_size(state: StateLayout) -> int:
    """Steps per chunk for the store and paint loops (1: no chunking)."""
    k = SMALL_LOOP_BYTES // max(state.nbytes, 1)
    return int(min(k, 64)) if k >= 2 else 1



def _loop2(n, body, carry):
    """``lax.fori_loop(0, n, body, carry)`` with two iterations per trip (and a last one if
    ``n`` is odd).

    Why: a step that shifts its state, as a leapfrog step does (``(u_prev, u) -> (u, u_next)``),
    returns one of its inputs in another position of the loop carry, and XLA then copies that
    buffer (and its neighbours) on every trip: three copies of a 64 x 64 field per wave step,
    which with the loop's own overhead cost about half as much as the step's arithmetic
    (5.4 against 3.5 microseconds per step). After two steps every part of the carry is new,
    and the copies go. Measured on the 64 x 64 wave at equal memory (one process,
    interleaved): the compiled Treeverse 0.90 against 1.00 times nested ``jax.checkpoint``.
    It is used for the loops that step a state forward; in the loop that pulls back through
    residuals it made the wave about 50 % slower; and ``lax.scan(..., unroll=2)`` in the
    nested scheme makes that scheme slower (``benchmarks/bench_checkpointing.py`` records
    the latter)."""
    from jax import lax

    q = n // 2
    carry = lax.fori_loop(0, q, lambda j, c: body(2 * j + 1, body(2 * j, c)), carry)
    return lax.fori_loop(2 * q, n, body, carry)


@lru_cache(maxsize=32)
def _interpreter(step: Callable, step_cost: Callable | None, has_p: bool, state: StateLayout,
                 res: StateLayout | None, per_step: tuple | None, panels: tuple, pool_slots: int,
                 chunk: int = 1):
    """The jitted interpreter for one step function, state layout and buffer shape (module
    docstring): ``run(table, slots, groups, n_groups, x0, p, seed) -> (x0_bar, p_bar, value)``
    (:meth:`Plan.device_arrays`). With
    ``chunk > 1`` the stored states of a block are written and read ``chunk`` at a time
    (:data:`SMALL_LOOP_BYTES`); ``slots`` must then have ``chunk`` entries of padding."""
    import jax
    import jax.numpy as jnp
    from jax import lax

    tu = jax.tree_util
    fns = step_functions(step, has_p, step_cost)
    has_cost = step_cost is not None
    int_t = jnp.asarray(0).dtype  # what a Python int becomes: the t of the reference executor
    val_t = jnp.asarray(0.0).dtype

    def at(a, i):
        """``a[i]`` for a non-negative traced index, without the wrap-around of negative
        indices that ``a[i]`` adds (a select in every kernel the index reaches)."""
        return lax.dynamic_index_in_dim(a, i, 0, keepdims=False, allow_negative_indices=False)

    def forward_loop(n, body, carry):
        """The loops that step the state forward: two steps per trip for states that do not
        fit the small loops (:func:`_loop2`)."""
        return _loop2(n, body, carry) if chunk == 1 else lax.fori_loop(0, n, body, carry)

    bounds = {d: np.cumsum((0,) + ws) for d, ws in panels}  # first column of each panel

    def pieces(d, o, n):
        """``(panel, column in the panel, column in the leaf, width)`` of the panels that hold
        columns ``o .. o + n`` of the flat row of dtype ``d``."""
        b = bounds[d]
        out = []
        for k in range(len(b) - 1):
            lo, hi = max(o, int(b[k])), min(o + n, int(b[k + 1]))
            if lo < hi:
                out.append((k, lo - int(b[k]), lo - o, hi - lo))
        return out

    def read(pool, layout: StateLayout, slot):
        """The leaves stored in one slot: one dynamic slice per panel a leaf lies in (most
        leaves lie in one panel, whose row they fill)."""
        zero = jnp.zeros_like(slot)
        out = []
        for d, o, n, shape in layout.leaves:
            parts = [lax.dynamic_slice(pool[d][k], (slot, zero + c), (1, w), allow_negative_indices=False)[0]
                     for k, c, _, w in pieces(d, o, n)]
            out.append((parts[0] if len(parts) == 1 else jnp.concatenate(parts)).reshape(shape))
        return out

    def write(pool, layout: StateLayout, slot, leaves):
        """Store leaves in one slot: one in-place update per panel and run of adjacent leaves
        (the small residuals side by side in one panel go in one update)."""
        runs: dict = {}  # (dtype, panel) -> [(column, piece)]
        for v, (d, o, n, _shape) in zip(leaves, layout.leaves):
            flat = jnp.ravel(v).astype(d)
            for k, c, j, w in pieces(d, o, n):
                runs.setdefault((d, k), []).append((c, flat if w == n else flat[j:j + w]))
        pool = {d: list(v) for d, v in pool.items()}
        zero = jnp.zeros_like(slot)
        for (d, k), parts in runs.items():
            parts.sort(key=lambda cp: cp[0])
            groups = [[parts[0]]]
            for c, part in parts[1:]:
                c0, p0 = groups[-1][-1]
                if c == c0 + p0.shape[0]:
                    groups[-1].append((c, part))
                else:
                    groups.append([(c, part)])
            for g in groups:
                row = g[0][1] if len(g) == 1 else jnp.concatenate([part for _, part in g])
                pool[d][k] = lax.dynamic_update_slice(pool[d][k], row[None, :], (slot, zero + g[0][0]),
                                                      allow_negative_indices=False)
        return pool

    def read_state(pool, slot):
        return tu.tree_unflatten(state.treedef, read(pool, state, slot))

    def write_state(pool, slot, x):
        return write(pool, state, slot, tu.tree_leaves(x))

    def pack(x):
        """A state as one flat vector per dtype."""
        leaves = tu.tree_leaves(x)
        out = {}
        for d, _ in state.widths:
            parts = [jnp.ravel(v) for v, (dd, *_r) in zip(leaves, state.leaves) if dd == d]
            out[d] = parts[0] if len(parts) == 1 else jnp.concatenate(parts)
        return out

    def unpack(rows):
        return tu.tree_unflatten(state.treedef, [rows[d][o:o + n].reshape(shape)
                                                 for d, o, n, shape in state.leaves])

    def store_chunked(x, pool, n, off, p, slots):
        """n steps from x, the states written to slots[off:off + n], chunk at a time."""
        def one_chunk(c, carry):
            x, pool = carry
            m = jnp.minimum(chunk, n - c * chunk)

            def body(k, cc):
                x, bufs = cc
                x = fns.f(x, p)
                rows = pack(x)
                return x, {d: lax.dynamic_update_slice(bufs[d], rows[d][None, :], (k, jnp.zeros_like(k)),
                                                  allow_negative_indices=False)
                           for d in bufs}

            bufs = {d: jnp.zeros((chunk, w), d) for d, w in state.widths}
            x, bufs = lax.fori_loop(0, m, body, (x, bufs))
            idx = lax.dynamic_slice(slots, (off + c * chunk,), (chunk,), allow_negative_indices=False)
            idx = jnp.where(jnp.arange(chunk) < m, idx, pool_slots)  # beyond the block: dropped
            pool = {d: list(v) for d, v in pool.items()}
            for d, w in state.widths:
                pool[d] = [pool[d][0].at[idx, :w].set(bufs[d], mode="drop")]
            return x, pool

        return lax.fori_loop(0, (n + chunk - 1) // chunk, one_chunk, (x, pool))

    def paint_chunked(pool, carry, n, off, lo, paint, slots):
        """paint(cell, x) for the states in slots[off:off + n] (cells lo..lo+n-1), top down."""
        def one_chunk(c, carry):
            top = n - c * chunk
            base = jnp.maximum(top - chunk, 0)
            m = top - base
            idx = lax.dynamic_slice(slots, (off + base,), (chunk,), allow_negative_indices=False)
            bufs = {d: pool[d][0][idx, :w] for d, w in state.widths}

            def body(k, cc):
                jj = m - 1 - k
                xj = unpack({d: lax.dynamic_index_in_dim(bufs[d], jj, 0, keepdims=False, allow_negative_indices=False)
                             for d in bufs})
                return paint(lo + base + jj, xj, cc)

            return lax.fori_loop(0, m, body, carry)

        return lax.fori_loop(0, (n + chunk - 1) // chunk, one_chunk, carry)

    def inner(a, b):
        return sum(jnp.vdot(u, v).real.astype(val_t) for u, v in zip(tu.tree_leaves(a), tu.tree_leaves(b)))

    def run(table, slots, groups, n_groups, x0, p, seed):
        # the barrier keeps the zeros a plain fill: fused with the write of x0 below, XLA made a
        # pad that chose, number by number, between x0 and zero (about 4 times slower)
        pool = lax.optimization_barrier({d: [jnp.zeros((pool_slots, w), d) for w in ws] for d, ws in panels})
        pool = write_state(pool, jnp.int32(0), x0)
        x_bar = tu.tree_map(jnp.zeros_like, x0)
        p_bar = tu.tree_map(jnp.zeros_like, p) if has_p else None
        value = jnp.zeros((), val_t)
        box: dict = {}
        if res is not None and not (has_p and chunk == 1):  # residuals free of x and t: once
            leaves0 = _residual_leaves(fns, x0, p, jnp.zeros((), int_t))
            invariant = [v for v, keep in zip(leaves0, per_step) if not keep]

        # p-only arithmetic done once (_hoisted), for states of more than a few numbers: in the
        # small loops of tiny states (chunk > 1) it measured slower (Lorenz: 1.09 against 1.07
        # times nested jax.checkpoint), the parameter arithmetic being negligible there
        hoist = _hoisted if chunk == 1 else (lambda fn, p, *a: (lambda *b: fn(*b, p)))
        step_x = hoist(fns.f, p, x0)  # x -> f(x, p)

        def fwd_res_p(x, t, p):
            primal, pullback = _vjp_h(fns, x, p, t)
            leaves, box["tree"] = tu.tree_flatten(pullback)
            if len(leaves) != len(per_step):
                raise RuntimeError("residual blocks: the step's residuals changed between traces")
            y, c = primal if has_cost else (primal, None)
            box["cost_dtype"] = None if c is None else c.dtype
            kept = [v for v, keep in zip(leaves, per_step) if keep]
            if [(tuple(v.shape), np.dtype(v.dtype).name) for v in kept] != \
                    [(tuple(shape), d) for d, _o, _n, shape in res.leaves[:len(res.leaves) - has_cost]]:
                raise RuntimeError("residual blocks: the step's residuals changed between traces; "
                                   "use residuals=False")
            return y, kept + ([c] if has_cost else [])

        t0 = jnp.zeros((), int_t)
        if res is not None and has_p and chunk == 1:
            # one trace gives the pullback's structure, which of its leaves depend on x or t
            # (stored per step) and the values of the others (computed once, here)
            def fwd_all(x, t, p):
                primal, pullback = _vjp_h(fns, x, p, t)
                leaves, box["tree"] = tu.tree_flatten(pullback)
                y, c = primal if has_cost else (primal, None)
                box["cost_dtype"] = None if c is None else c.dtype
                y_leaves, box["y_tree"] = tu.tree_flatten(y)
                box["n_y"] = len(y_leaves)
                return y_leaves + ([c] if has_cost else []) + leaves

            g_all, known_all, unknown_all = _hoisted(fwd_all, p, x0, t0, split=True)
            n_y, n_head = box["n_y"], box["n_y"] + has_cost

            def merged(unknown_vals):
                it_u, it_k = iter(unknown_vals), iter(known_all)
                return [next(it_u) if u else next(it_k) for u in unknown_all]

            per_step_here = unknown_all[n_head:]
            known_tail = merged([None] * sum(unknown_all))[n_head:]
            invariant = [v for v, u in zip(known_tail, per_step_here) if not u]
            # the per-step leaves must have the shapes of the layout the buffer was made for
            kept_avals = [a for a, u in zip(jax.eval_shape(lambda x, t: merged(g_all(x, t)), x0, t0)[n_head:],
                                            per_step_here) if u]
            got = [(tuple(a.shape), np.dtype(a.dtype).name) for a in kept_avals]
            want = [(tuple(shape), d) for d, _o, _n, shape in res.leaves[:len(res.leaves) - has_cost]]
            if got != want:
                raise RuntimeError(f"residual blocks: the step's residuals changed between traces "
                                   f"({got} against {want}); use residuals=False")

            def fwd_res(x, t):
                full = merged(g_all(x, t))
                y = tu.tree_unflatten(box["y_tree"], full[:n_y])
                kept = [v for v, u in zip(full[n_head:], per_step_here) if u]
                return y, kept + full[n_y:n_head]
        elif res is not None:
            per_step_here = per_step

            def fwd_res(x, t):
                return fwd_res_p(x, t, p)

        vjp_x = hoist(lambda xj, xb, pb, p: fns.vjp(xj, p, xb, pb), p, x0, x_bar, p_bar)
        if has_cost:
            cost_x = hoist(lambda t, xj, xb, pb, p: fns.cost_add(t, xj, p, xb, pb), p, t0, x0, x_bar, p_bar)

        def pull_res(dep, x_bar, p_bar):
            it_dep, it_inv = iter(dep), iter(invariant)
            leaves = [next(it_dep) if keep else next(it_inv) for keep in per_step_here]
            pullback = tu.tree_unflatten(box["tree"], leaves)
            ct = (x_bar, jnp.ones((), box["cost_dtype"])) if has_cost else x_bar
            g = pullback(ct)
            if has_p:
                return g[0], tu.tree_map(lambda a, b: a + b, p_bar, g[1])
            return g[0], p_bar

        def paint(t, xj, c):
            """Paint cell t from its stored state: the VJP of step t and the running cost."""
            x_bar, p_bar, value = c
            x_bar, p_bar = vjp_x(xj, x_bar, p_bar)
            if has_cost:
                v, x_bar, p_bar = cost_x(t.astype(int_t), xj, x_bar, p_bar)
                value = value + v.astype(val_t)
            return x_bar, p_bar, value

        def seed_paint(t_x, x, c):
            """Paint cell T: the seed and the running cost at T."""
            x_bar, p_bar, value = c
            value = value + inner(seed, x)
            if not has_cost:
                return seed, p_bar, value
            v, x_bar, p_bar = fns.cost_add(t_x.astype(int_t), x, p, seed, p_bar)
            return x_bar, p_bar, value + v.astype(val_t)

        def paint_states(r, pool, c):
            if chunk > 1:
                return paint_chunked(pool, c, r[N_REV], r[REV_OFF], r[REV_LO], paint, slots)

            def paint_state(k, c):
                j = r[N_REV] - 1 - k
                return paint(r[REV_LO] + j, read_state(pool, at(slots, r[REV_OFF] + j)), c)

            return lax.fori_loop(0, r[N_REV], paint_state, c)

        def op(i, carry, x):
            """One block row of the table, starting from the state ``x`` (its ``src``, in
            hand). Every part is a loop whose trip count comes from the row (zero when the row
            has no such part): no conditionals, so that XLA updates the slot buffer in place (a
            conditional would copy it)."""
            pool, x_bar, p_bar, value = carry
            r = at(table, i)
            if res is not None:  # a residual block may start with steps whose states are not kept
                x = forward_loop(r[N_PLAIN], lambda k, x: step_x(x), x)
            if chunk > 1:  # store the states of a block
                x, pool = store_chunked(x, pool, r[N_STORE], r[STORE_OFF], p, slots)
            else:
                def store(k, c):
                    x, pool = c
                    x = step_x(x)
                    return x, write_state(pool, at(slots, r[STORE_OFF] + k), x)

                x, pool = forward_loop(r[N_STORE], store, (x, pool))
            t_res = r[T_SRC] + r[N_PLAIN] + r[N_STORE]
            if res is not None:  # keep the residuals of the steps of a residual block
                def store_res(k, c):
                    x, pool = c
                    y, kept = fwd_res(x, (t_res + k).astype(int_t))
                    return y, write(pool, res, at(slots, r[RES_OFF] + k), kept)

                x, pool = forward_loop(r[N_RES], store_res, (x, pool))

            def seed_once(k, c):
                # the barrier ties x to the loop counter: without it XLA hoists the seed's
                # arithmetic out of this 0-or-1-trip loop and runs it on every row
                xk, _ = lax.optimization_barrier((x, k))
                return seed_paint(t_res + r[N_RES], xk, c)

            c = lax.fori_loop(0, r[SEED], seed_once, (x_bar, p_bar, value))
            if res is not None:  # pull back through the residuals, top down
                def top_once(k, c):  # paint the top cell at the state in hand (same barrier)
                    xk, _ = lax.optimization_barrier((x, k))
                    return paint(t_res + r[N_RES], xk, c)

                c = lax.fori_loop(0, r[TOP], top_once, c)

                def paint_res(k, c):
                    x_bar, p_bar, value = c
                    kept = read(pool, res, at(slots, r[RES_OFF] + r[N_RES] - 1 - k))
                    if has_cost:  # the running cost's value, kept with the residuals
                        kept, value = kept[:-1], value + kept[-1].astype(val_t)
                    x_bar, p_bar = pull_res(kept, x_bar, p_bar)
                    return x_bar, p_bar, value

                c = lax.fori_loop(0, r[N_RES], paint_res, c)
            return (pool, *paint_states(r, pool, c))

        def advance(i, c):
            """A row of kind 0 on the state in hand: step, write (the general row would do the
            same with a dozen loops of zero trips besides)."""
            pool, x = c
            r = at(table, i)
            x = forward_loop(r[N_PLAIN], lambda k, x: step_x(x), x)
            return write_state(pool, r[DST], x), x

        def group(g, carry):
            """A chain of advances and at most one block (:meth:`Plan.groups`): the first
            state is read once and carried through."""
            row_g = at(groups, g)
            first, n_adv, block = row_g[0], row_g[1], row_g[2]
            x = read_state(carry[0], at(table, first)[SRC])
            pool, x = lax.fori_loop(first, first + n_adv, advance, (carry[0], x))
            return op(block, (pool,) + tuple(carry[1:]), x)

        carry = lax.fori_loop(0, n_groups, group, (pool, x_bar, p_bar, value))
        return carry[1], carry[2], carry[3]

    return jax.jit(run)


_EXECUTABLES: dict = {}
_COMPILATIONS = [0]


def compilations() -> int:
    """How many XLA programs the compiled executor has compiled in this process (a sweep of
    budgets at one :math:`T` that shares its pool adds one, not one per budget)."""
    return _COMPILATIONS[0]


def _executable(key, fn, args):
    """Compile ``fn`` for ``args`` once per key (a small LRU), timing the compilation."""
    hit = _EXECUTABLES.pop(key, None)
    if hit is not None:
        _EXECUTABLES[key] = hit
        return hit, 0.0
    t0 = time.perf_counter()
    compiled = fn.lower(*args).compile()
    _COMPILATIONS[0] += 1
    _EXECUTABLES[key] = compiled
    while len(_EXECUTABLES) > 16:
        _EXECUTABLES.pop(next(iter(_EXECUTABLES)))
    return compiled, time.perf_counter() - t0


@dataclass
class Prepared:
    """Arrays and layouts of one problem, ready for :func:`run_plan` (see :func:`prepare`)."""

    x0: Any
    params: Any
    seed: Any
    state: StateLayout
    res: StateLayout | None
    per_step: tuple | None
    extra: dict = field(default_factory=dict)

    @property
    def residuals_fit(self) -> bool:
        """The per-step residuals fit in a state's slot, dtype by dtype."""
        return self.res is not None and all(self.state.width(d) >= w for d, w in self.res.widths)


def prepare(step: Callable, x0: Any, params: Any, adjoint_seed: Any, step_cost: Callable | None,
            want_residuals: bool = True) -> Prepared:
    """Convert the inputs to JAX arrays, check that the step keeps the state's structure,
    shapes and dtypes, and (with ``want_residuals``) find the per-step residual layout. The
    analysis is cached per step function and argument shapes."""
    import jax
    import jax.numpy as jnp

    tu = jax.tree_util
    Array = jax.Array

    def strong(a):  # a JAX array without weak type (a Python scalar or numpy array converted)
        return a if isinstance(a, Array) and not a.weak_type else jnp.asarray(np.asarray(a))

    leaves, tree = tu.tree_flatten(x0)
    leaves = [strong(v) for v in leaves]
    x0 = tu.tree_unflatten(tree, leaves)
    p_leaves, p_tree = tu.tree_flatten(params)
    p_leaves = [v if isinstance(v, Array) else jnp.asarray(v) for v in p_leaves]
    if params is not None:
        params = tu.tree_unflatten(p_tree, p_leaves)
    seed = tu.tree_unflatten(tree, [s if isinstance(s, Array) and s.dtype == v.dtype and not s.weak_type
                                    else jnp.asarray(s, dtype=v.dtype)
                                    for s, v in zip(tu.tree_leaves(adjoint_seed), leaves)])
    key_x = tuple((v.shape, v.dtype) for v in leaves)
    key_p = tuple((v.shape, v.dtype, v.weak_type) for v in p_leaves)
    state, res, per_step = _analyse(step, step_cost, params is not None, tree, key_x, p_tree, key_p,
                                    bool(want_residuals))
    return Prepared(x0, params, seed, state, res, per_step)


@lru_cache(maxsize=64)
def _analyse(step, step_cost, has_p, tree, key_x, p_tree, key_p, want_residuals):
    import jax

    tu = jax.tree_util
    x_spec = tu.tree_unflatten(tree, [jax.ShapeDtypeStruct(s, d) for s, d in key_x])
    p_spec = (tu.tree_unflatten(p_tree, [jax.ShapeDtypeStruct(s, d, weak_type=w) for s, d, w in key_p])
              if has_p else None)
    fns = step_functions(step, has_p, step_cost)
    try:
        out = jax.eval_shape(fns.f, x_spec, p_spec)
    except Exception as exc:
        raise type(exc)(f"step(x0{', params' if has_p else ''}) failed: {exc}") from exc
    o_leaves, o_tree = tu.tree_flatten(out)
    specs = [jax.ShapeDtypeStruct(s, d) for s, d in key_x]
    if o_tree != tree or any((a.shape, a.dtype) != (b.shape, b.dtype) for a, b in zip(o_leaves, specs)):
        raise ValueError("step must return a state of the structure, shapes and dtypes of x0: x0 is "
                         f"{list(key_x)} in {tree}, step(x0) is "
                         f"{[(tuple(v.shape), str(v.dtype)) for v in o_leaves]} in {o_tree} (cast x0, "
                         "or use executor='reference')")
    state = StateLayout.of(specs, tree)
    if not want_residuals:
        return state, None, None
    res, per_step = residual_layout(step, x_spec, p_spec, step_cost)
    return state, res, per_step


SHARED_POOL_BYTES = 8 * 2**20
"""Largest store-all buffer, :math:`(T+1)` slots, that ``capacity="auto"`` allocates for every
budget (:func:`pool_capacity`): 8 MiB, small next to the few hundred MB that a Python process
with JAX loaded holds anyway (chapter 7's ensemble of 200 Lorenz copies, 1000 steps, needs 4.8 MB)."""


def slot_layout(prep: Prepared, residuals: bool) -> tuple:
    """``((dtype, width), ...)`` of one slot: a state, or a step's residuals if they are wider."""
    res = prep.res if residuals else None
    dtypes = {d for d, _ in prep.state.widths} | ({d for d, _ in res.widths} if res else set())
    return tuple(sorted((d, max(prep.state.width(d), res.width(d) if res else 0)) for d in dtypes))


PANEL_MIN = 64
"""Leaves of at least this many numbers get panels of their own (:func:`slot_panels`)."""


def slot_panels(state: StateLayout, res: StateLayout | None, widths: tuple, chunk: int = 1) -> tuple:
    r"""How the buffer of each dtype is split into column panels: ``((dtype, (w_1, w_2, ...)),
    ...)`` with :math:`\sum_k w_k` the slot width of :func:`slot_layout`.

    A slot is a row of every panel. The panels are cut at the first and last column of every
    leaf of at least :data:`PANEL_MIN` numbers, of the state and of the residuals, so that such
    a leaf is read and written as whole rows of one or a few panels (small leaves share a
    panel). Why: XLA's CPU backend copies a full row of a ``(slots, n)`` array as one contiguous
    block, while a leaf that fills part of a wider row is addressed in two dimensions: in a
    microbenchmark of the 64 x 64 wave's residual blocks (1000 steps of store and pull-back,
    one process, CPU time) the residuals in part of 8192-wide rows took 39 ms, in panels of
    their own 30 ms. ``lax.scan`` likewise stacks each residual in an array of its own.
    Chunked small states (``chunk > 1``) keep one panel per dtype."""
    if chunk > 1:
        return tuple((d, (w,)) for d, w in widths)
    out = []
    for d, w in widths:
        cuts = {0, w}
        for layout in (state, res):
            for dd, o, n, _shape in (layout.leaves if layout is not None else ()):
                if dd == d and n >= PANEL_MIN:
                    cuts.update((o, o + n))
        edges = sorted(cuts)
        out.append((d, tuple(b - a for a, b in zip(edges, edges[1:]))))
    return tuple(out)


def pool_capacity(capacity: int | str, plan: Plan, slot_bytes: int) -> int:
    r"""Slots of the buffer for ``plan``: ``"exact"``, the plan's own ``pool_slots`` (the
    memory of the budget; a program per buffer size); an ``int``, that many (at least the
    plan's; every budget up to it shares one program); ``"auto"``, :math:`T+1` slots (every
    budget and schedule of this :math:`T` shares one program) when they take at most
    :data:`SHARED_POOL_BYTES`, otherwise ``"exact"``.

    Why not always one program per :math:`T`: an XLA program has fixed buffer shapes, and the
    buffer *is* the memory a budget buys, so a program shared by budgets holds the largest of
    them. For states whose store-all buffer is small that costs nothing measurable; for large
    states the buffer follows the budget unless the caller asks for a shared capacity."""
    if isinstance(capacity, str):
        if capacity == "exact":
            return plan.pool_slots
        if capacity == "auto":
            full = plan.n_steps + 1
            return max(full, plan.pool_slots) if full * slot_bytes <= SHARED_POOL_BYTES else plan.pool_slots
        raise ValueError(f"capacity must be 'auto', 'exact' or a number of slots, got {capacity!r}")
    if isinstance(capacity, bool) or not isinstance(capacity, (int, np.integer)):
        raise TypeError(f"capacity must be 'auto', 'exact' or a number of slots, got "
                        f"{type(capacity).__name__} {capacity!r}")
    if capacity < plan.pool_slots:
        raise ValueError(f"capacity={capacity} slots is smaller than the {plan.pool_slots} slots this "
                         "schedule stores at once; use a capacity of at least the largest budget")
    return int(capacity)


class Bound:
    """A plan bound to its compiled program (:func:`bind`): calling it runs the plan on new
    arrays of the same shapes and dtypes, ``bound(x0, params, seed, memory=None)`` (the arrays
    of a :class:`Prepared`, or arrays of the same kind), and returns the dict of
    :func:`run_plan`."""

    def __init__(self, compiled, plan_args: tuple, n_slots: int, slot_bytes: int, compile_seconds: float):
        self.compiled, self.plan_args = compiled, plan_args
        self.n_slots, self.slot_bytes, self.compile_seconds = n_slots, slot_bytes, compile_seconds

    def __call__(self, x0, params, seed, memory: str | None = None, first: bool = False) -> dict:
        """Run; ``compile_seconds`` in the result is the compilation's time if ``first``, else 0."""
        import jax

        args = self.plan_args + (x0, params, seed)
        report = None
        if memory is not None:
            from helpers.memory import track

            with track(memory) as report:
                t0 = time.perf_counter()
                out = jax.block_until_ready(self.compiled(*args))
                seconds = time.perf_counter() - t0
        else:
            t0 = time.perf_counter()
            out = jax.block_until_ready(self.compiled(*args))
            seconds = time.perf_counter() - t0
        x0_bar, p_bar, value = out
        # np.asarray then float: a few microseconds cheaper than float() of a JAX scalar
        return {"x0_bar": x0_bar, "p_bar": p_bar, "value": float(np.asarray(value)), "seconds": seconds,
                "compile_seconds": self.compile_seconds if first else 0.0, "pool_slots": self.n_slots,
                "pool_bytes": self.n_slots * self.slot_bytes, "memory": report, "dispatches": 1}


def bind(plan: Plan, step: Callable, prep: Prepared, step_cost: Callable | None = None,
         *, residuals: bool | None = None, capacity: int | str = "exact") -> Bound:
    """The compiled program for ``plan`` (compiled now if this process has not compiled it
    yet) with the plan's arrays, as a :class:`Bound`; arguments as in :func:`run_plan`."""
    import jax

    use_res = plan.residual_blocks > 0 if residuals is None else bool(residuals)
    if plan.residual_blocks and not use_res:
        raise ValueError("run_plan: the plan has residual blocks but residuals=False")
    if use_res and prep.res is None:
        raise ValueError("run_plan: residual blocks need a residual layout (prepare(..., want_residuals=True))")
    res = prep.res if use_res else None
    widths = slot_layout(prep, use_res)
    slot_bytes = int(sum(np.dtype(d).itemsize * w for d, w in widths))
    n_slots = pool_capacity(capacity, plan, slot_bytes)
    has_p = prep.params is not None
    chunk = chunk_size(prep.state)
    fn = _interpreter(step, step_cost, has_p, prep.state, res, prep.per_step if res else None,
                      slot_panels(prep.state, res, widths, chunk), n_slots, chunk)
    plan_args = plan.device_arrays(chunk)
    args = plan_args + (prep.x0, prep.params, prep.seed)
    leaves, tree = jax.tree_util.tree_flatten(args[4:])
    key = (fn, plan_args[0].shape, plan_args[1].shape, tree,
           tuple((v.shape, v.dtype, getattr(v, "weak_type", False)) for v in leaves))
    compiled, compile_seconds = _executable(key, fn, args)
    return Bound(compiled, plan_args, n_slots, slot_bytes, compile_seconds)


def run_plan(plan: Plan, step: Callable, prep: Prepared, step_cost: Callable | None = None,
             *, memory: str | None = None, residuals: bool | None = None,
             capacity: int | str = "exact") -> dict:
    """Execute ``plan`` in one compiled call. Returns a dict with ``x0_bar``, ``p_bar``,
    ``value`` (a float), ``seconds`` (the call, compiled beforehand), ``compile_seconds`` (0
    when the program was compiled before), ``pool_slots`` and ``pool_bytes`` (the slot buffer
    allocated, see :func:`pool_capacity`), ``memory`` (a :class:`helpers.memory.MemoryReport`
    of the call, measured with :func:`helpers.memory.track` by the method ``memory`` unless
    it is ``None``) and ``dispatches`` (1).

    The compiled program depends on the step functions, the state layout, ``residuals``
    (whether residual blocks may occur; default: whether this plan has any), the buffer's
    slots and the padded plan shape (:func:`plan_shape`, a function of :math:`T`); the plan
    itself is data, so plans that agree on those share one program."""
    bound = bind(plan, step, prep, step_cost, residuals=residuals, capacity=capacity)
    return bound(prep.x0, prep.params, prep.seed, memory=memory, first=True)
