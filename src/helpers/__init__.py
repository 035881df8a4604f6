"""Helper package of *Differentiate Everything*.

Small modules, one concept each: ``dual`` (forward mode), ``tape`` (reverse mode), ``pebble``
and ``checkpointing`` (time and memory of reverse mode), ``check`` (exercise feedback and
gradient checks), ``exercises`` (the book's exercise checkers), ``plotting`` (figure style).
Modules are imported on demand: ``from helpers import check`` or ``import helpers.dual``.

Importing a helper module never changes JAX's configuration. :func:`jax_cpu` is the one place
that chooses a platform and the floating-point precision; the notebooks call it first.
"""

from __future__ import annotations

import os

__version__ = "0.1.0"


def jax_cpu(x64: bool = True):
    """Set JAX up for the book and return the ``jax`` module: CPU and 64-bit floats by default.

    The platform is chosen through ``JAX_PLATFORMS``, which is set to ``"cpu"`` only when it is
    not set already: a reader with a GPU starts Jupyter with ``JAX_PLATFORMS=cuda`` (or
    ``JAX_PLATFORMS=""`` for JAX's own choice) and runs every notebook unchanged. Call it before
    anything else uses JAX (the platform is fixed when JAX first starts a backend).
    ``x64=False`` keeps JAX's default 32-bit floats, the usual choice on a GPU; the tolerances
    quoted in the book assume 64-bit floats.
    """
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax

    jax.config.update("jax_enable_x64", bool(x64))
    return jax
