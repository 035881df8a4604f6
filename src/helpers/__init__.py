"""Helper package of *Differentiate Everything*.

Small modules, one concept each: ``dual`` (forward mode), ``tape`` (reverse mode), ``pebble``
and ``checkpointing`` (time and memory of reverse mode), ``check`` (exercise feedback and
gradient checks), ``exercises`` (the book's exercise checkers), ``plotting`` (figure style).
Modules are imported on demand: ``from helpers import check`` or ``import helpers.dual``.
"""

from __future__ import annotations

import os

__version__ = "0.1.0"


def jax_cpu(x64: bool = True):
    """Import JAX for the book: CPU only and, by default, 64-bit floats. Returns the module.

    Call before any other JAX import in a notebook; it sets ``JAX_PLATFORMS=cpu`` unless the
    variable is already set and enables ``jax_enable_x64`` when ``x64`` is true.
    """
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax

    jax.config.update("jax_enable_x64", bool(x64))
    return jax
