r"""An ipywidgets board to play either pebble game by hand."""

from __future__ import annotations

from typing import Sequence

from helpers.pebble.games import (EMPTY, PAINTED, PEBBLE, PEBBLE_PAINTED, IllegalMove, Move,
                                  _Game, play)

__all__ = ["board_widget"]


def board_widget(game: _Game, reference: Sequence[Move] | None = None):
    """An ipywidgets board to play ``game`` by hand: click a cell, then place / remove / paint.

    Shows the step and pebble counters, the broken rule when a move is illegal, and, if a
    ``reference`` play is given, its step count and peak for comparison. Needs a running
    kernel; the book shows an animation next to it.
    """
    import ipywidgets as w

    state = {"game": game.copy_empty(), "cell": 1 if game.n_cells >= 1 else 0}
    ref = None
    if reference is not None:
        g = game.copy_empty()
        ref = play(g, reference)
    color = {EMPTY: "#f2f2f2", PEBBLE: "#0072B2", PAINTED: "#E69F00", PEBBLE_PAINTED: "#D55E00"}
    buttons = [w.Button(description=str(i), layout=w.Layout(width="38px", height="38px"))
               for i in range(game.n_cells + 1)]
    status = w.HTML()
    actions = ["place", "remove"] + (["paint"] if game.kind == "checkpoint" else [])
    action_buttons = [w.Button(description=a) for a in actions]
    reset = w.Button(description="reset", button_style="warning")

    def refresh(msg: str = "") -> None:
        g = state["game"]
        for i, b in enumerate(buttons):
            b.style.button_color = color[int(g.cells()[i])]
            b.style.font_weight = "bold" if i == state["cell"] else "normal"
        goal = "done!" if g.done else ""
        line = (f"cell <b>{state['cell']}</b> selected | steps <b>{g.steps}</b> | pebbles "
                f"<b>{g.n_on_board}</b>/{g.n_pebbles} (peak {g.peak}) {goal}")
        if ref is not None:
            line += f" | reference play: {ref.steps} steps, peak {ref.peak}"
        status.value = line + (f"<br><span style='color:#D55E00'>{msg}</span>" if msg else "")

    def select(i):
        def f(_):
            state["cell"] = i
            refresh()
        return f

    def act(a):
        def f(_):
            try:
                state["game"].move((a, state["cell"]))
                refresh()
            except IllegalMove as exc:
                refresh(f"illegal: {exc}")
        return f

    for i, b in enumerate(buttons):
        b.on_click(select(i))
    for a, b in zip(actions, action_buttons):
        b.on_click(act(a))

    def do_reset(_):
        state["game"] = game.copy_empty()
        refresh()

    reset.on_click(do_reset)
    refresh()
    return w.VBox([w.HBox(buttons, layout=w.Layout(flex_flow="row wrap")),
                   w.HBox(action_buttons + [reset]), status])
