"""The book's explorations, one module per chapter (``ch02.py``, ...), built on
:mod:`helpers.explore`.

Each module defines functions that return a ready :class:`helpers.explore.Explorer` (its controls
and its draw function), so that the notebook shows it (``ex.widget()`` live in Jupyter,
``ex.stand_in(...)`` or ``ex.animate(...)`` in the static book) and the unit tests
(``tests/test_explore_chNN.py``) drive it: set values, assert that the readouts change as the
mathematics or the physics says.
"""
