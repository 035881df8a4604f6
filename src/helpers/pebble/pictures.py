r"""Pictures of a play: the board history as an array, as text, as an image and as an animation."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from helpers.pebble.games import (EMPTY, PAINTED, PEBBLE, PEBBLE_PAINTED, IllegalMove, Move,
                                  _Game)

__all__ = ["history", "render_text", "plot_history", "animate_history"]


def history(game_or_kind, moves: Sequence[Move] | None = None, n_cells: int | None = None,
            n_pebbles: int | None = None) -> np.ndarray:
    """The board after each move as an array of shape ``(len(moves) + 1, n_cells + 1)``.

    Call as ``history(game)`` for a game already played (its moves are replayed on a fresh
    board), or ``history(game_class, moves, n_cells, n_pebbles)``. Codes: 0 empty, 1 pebble,
    2 painted, 3 painted and pebbled.
    """
    if isinstance(game_or_kind, _Game):
        fresh = game_or_kind.copy_empty()
        moves = list(game_or_kind.moves) if moves is None else list(moves)
    else:
        if moves is None or n_cells is None:
            raise TypeError("history(game_class, moves, n_cells, n_pebbles): give the moves and the board size")
        fresh = game_or_kind(n_cells, n_pebbles)
        moves = list(moves)
    rows = [fresh.cells()]
    for k, mv in enumerate(moves):
        try:
            fresh.move(mv)
        except IllegalMove as exc:
            raise IllegalMove(f"move {k}: {exc}") from None
        rows.append(fresh.cells())
    return np.array(rows)


_GLYPH = {EMPTY: "·", PEBBLE: "●", PAINTED: "▒", PEBBLE_PAINTED: "◉"}


def render_text(game: _Game, moves: Sequence[Move] | None = None, *, max_rows: int = 200) -> str:
    """The history as text, one line per move: cells left to right, time downwards.

    ``·`` empty, ``●`` pebble, ``▒`` painted, ``◉`` painted with a pebble.
    """
    h = history(game, moves)
    mv = list(game.moves if moves is None else moves)
    fresh = game.copy_empty()
    width = len(str(len(mv)))
    lines = [f"{'':>{width}}  {'move':<11} {'board':<{fresh.n_cells + 1}}  steps pebbles"]
    steps = 0
    for r, row in enumerate(h):
        if r > 0:
            steps += mv[r - 1][0] == "place" or (fresh.kind == "reversible")
        label = "start" if r == 0 else f"{mv[r - 1][0]}({mv[r - 1][1]})"
        count = int(np.sum(row & PEBBLE)) - (1 if fresh.kind == "reversible" else 0)
        lines.append(f"{r:>{width}}  {label:<11} {''.join(_GLYPH[int(c)] for c in row)}  "
                     f"{steps:>5} {count:>7}")
        if r + 1 >= max_rows and r + 1 < len(h):
            lines.append(f"... ({len(h) - r - 1} more moves)")
            break
    return "\n".join(lines)


def _cmap():
    from matplotlib.colors import ListedColormap

    from helpers.plotting import COLORS

    return ListedColormap(["#f2f2f2", COLORS["blue"], COLORS["orange"], COLORS["vermillion"]])


def plot_history(game: _Game, moves: Sequence[Move] | None = None, ax=None, *,
                 title: str | None = None):
    """Draw the history as an image: cells on the horizontal axis, moves downwards.

    Grey empty, blue pebble, orange painted, red painted with a pebble.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    h = history(game, moves)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(7, 2 + 0.35 * h.shape[1]), min(7, 1.5 + 0.06 * h.shape[0])))
    cmap = _cmap()
    ax.imshow(h, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto", interpolation="nearest")
    ax.set_xlabel("cell i (state $x_i$)")
    ax.set_ylabel("move number (time)")
    ax.grid(False)
    if title is None:
        title = f"{game.kind} game: {game.steps} steps, peak {game.peak} pebbles"
    ax.set_title(title)
    labels = ["empty", "pebble", "painted", "pebble + painted"] if game.kind == "checkpoint" \
        else ["empty", "pebble"]
    ax.legend(handles=[Patch(color=cmap(i), label=l) for i, l in enumerate(labels)],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return ax


def animate_history(game: _Game, moves: Sequence[Move] | None = None, *, max_frames: int = 60,
                    interval: int = 250, title: str | None = None):
    """A matplotlib animation of the board, one frame per move (evenly subsampled to at most
    ``max_frames`` frames, always showing the last). Render with
    :func:`helpers.plotting.animation_html`."""
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    h = history(game, moves)
    mv = list(game.moves if moves is None else moves)
    counts = np.concatenate([[0], np.cumsum([
        1 if (m[0] == "place" or (game.kind == "reversible")) else 0 for m in mv])])
    frames = np.unique(np.linspace(0, len(h) - 1, min(max_frames, len(h))).round().astype(int))
    n = h.shape[1]
    fig, ax = plt.subplots(figsize=(min(7, 1.5 + 0.4 * n), 1.9))
    cmap = _cmap()
    im = ax.imshow(h[:1], cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto", interpolation="nearest")
    ax.set_yticks([])
    ax.set_xticks(range(0, n, max(1, n // 16)))
    ax.set_xlabel("cell i")
    ax.grid(False)
    head = title or f"{game.kind} game"

    def draw(f):
        im.set_data(h[f:f + 1])
        last = "start" if f == 0 else f"{mv[f - 1][0]}({mv[f - 1][1]})"
        ax.set_title(f"{head} | move {f}: {last} | steps {counts[f]}, pebbles "
                     f"{int(np.sum(h[f] & 1)) - (game.kind == 'reversible')}", fontsize=10)
        return (im,)

    return FuncAnimation(fig, draw, frames=frames, interval=interval, blit=False)
