r"""The two pebble games of reverse-mode differentiation, and their schedules.

A time-stepping program :math:`x_{t+1} = f(x_t)` for :math:`t = 0, \dots, n-1` is a row of
cells :math:`0, 1, \dots, n`; a **pebble** on cell :math:`i` means "the state :math:`x_i` is in
memory". One pebble is one unit of memory, one placement is one call of :math:`f`.

**Checkpoint game** (:class:`CheckpointGame`). One pebble starts on cell 0; at most
``n_pebbles`` pebbles are on the board at once, the one on cell 0 included.

* ``place(i)``: cell :math:`i-1` holds a pebble and cell :math:`i` is empty; costs one step
  (running :math:`f` on :math:`x_{i-1}`).
* ``remove(i)``: any pebbled cell; free (forgetting a state).
* ``paint(i)``: cell :math:`i` holds a pebble and (:math:`i = n` or cell :math:`i+1` is
  painted); free. Painting is the backward sweep: painting :math:`n` seeds
  :math:`\bar x_n`, painting :math:`i < n` runs the vector-Jacobian product of step
  :math:`i`, :math:`\bar x_i = \bar x_{i+1}\,\partial f(x_i)/\partial x_i`, which needs
  :math:`x_i`.
* Done when every cell :math:`0..n` is painted.

**Reversible game** (:class:`ReversibleGame`). Cell 0 holds a fixed pebble that is not
counted; at most ``n_pebbles`` pebbles on cells :math:`1..n`. A reversible computer cannot
erase, so removing a pebble is *uncomputing* the state, which needs its predecessor.

* ``place(i)`` and ``remove(i)``: allowed only when cell :math:`i-1` holds a pebble; each
  costs one step.
* Reached when cell :math:`n` holds a pebble; clean when, besides, no cell other than 0 and
  :math:`n` holds one.

Moves are ``(action, cell)`` tuples. An illegal move raises :class:`IllegalMove` (a
``ValueError``) whose message names the broken rule. :func:`play` replays a list of moves
and returns its ``(steps, peak)``.

**Schedules.** :func:`treeverse_moves` plays the checkpoint game with the fewest steps
possible (the binomial construction of Griewank 1992, adapted to the exact rules above);
:func:`store_all_moves`, :func:`recompute_all_moves` and :func:`uniform_moves` are the
classic alternatives; :func:`bennett_moves` is Bennett's recursive strategy for the
reversible game. :func:`min_steps_checkpoint` and :func:`min_steps_reversible` search all
plays exhaustively (small boards only).

**Optimal checkpointing, exactly.** Let :math:`N(t, p)` be the longest board that ``p``
pebbles can finish when no cell is placed more than :math:`t` times. The first pebble left
behind (at cell :math:`m`) splits the board into a right part, solved with ``p - 1`` pebbles,
and a left part, whose cells were already placed once, so

.. math:: N(t, p) = N(t, p-1) + 1 + N(t-1, p),\qquad N(t, 2) = 1,\ N(0, p) = 0,

solved by :math:`N(t,p) + 1 = \eta(t, d) + \eta(t-1, d)` with :math:`d = p - 2` and
:math:`\eta(\tau,\delta) = \binom{\tau+\delta}{\delta}`. The fewest steps for ``n`` cells
are :math:`\sum_{k=1}^{n} t_p(k)` with :math:`t_p(k) = \min\{t : N(t,p) \ge k\}`
(:func:`treeverse_steps`); the tests check both against exhaustive search.

**Layout.** One idea per module: :mod:`~helpers.pebble.games` (the rules),
:mod:`~helpers.pebble.optimal` (the binomial formulas and the exhaustive searches),
:mod:`~helpers.pebble.schedules` (named move lists), :mod:`~helpers.pebble.pictures` (history,
text, image, animation) and :mod:`~helpers.pebble.widget` (the board to play by hand). Every
public name is re-exported here: ``from helpers.pebble import X``.
"""

from helpers.pebble.games import (
    ACTIONS,
    EMPTY,
    PAINTED,
    PEBBLE,
    PEBBLE_PAINTED,
    CheckpointGame,
    IllegalMove,
    Move,
    PlayResult,
    ReversibleGame,
    play,
)
from helpers.pebble.optimal import (
    eta,
    max_reach_reversible,
    min_steps_checkpoint,
    min_steps_reversible,
    min_steps_revolve,
    reach_checkpoint,
    revolve_steps,
    treeverse_steps,
)
from helpers.pebble.pictures import animate_history, history, plot_history, render_text
from helpers.pebble.schedules import (
    bennett_moves,
    bennett_peak,
    bennett_steps,
    recompute_all_moves,
    store_all_moves,
    treeverse_moves,
    uniform_moves,
    uniform_peak,
)
from helpers.pebble.widget import board_widget

__all__ = [
    "IllegalMove",
    "CheckpointGame",
    "ReversibleGame",
    "PlayResult",
    "play",
    "eta",
    "reach_checkpoint",
    "treeverse_steps",
    "treeverse_moves",
    "store_all_moves",
    "recompute_all_moves",
    "uniform_moves",
    "uniform_peak",
    "bennett_moves",
    "bennett_steps",
    "bennett_peak",
    "min_steps_checkpoint",
    "min_steps_reversible",
    "max_reach_reversible",
    "revolve_steps",
    "min_steps_revolve",
    "history",
    "render_text",
    "plot_history",
    "animate_history",
    "board_widget",
]

