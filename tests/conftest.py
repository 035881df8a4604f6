"""Test-session set-up: JAX on the CPU with 64-bit floats, chosen here by the caller.

Helper modules never choose a platform or precision at import (see
``test_tooling.py::test_helper_imports_leave_jax_alone``); the tests, like the notebooks, call
``helpers.jax_cpu()`` once before anything else touches JAX.
"""

import helpers

helpers.jax_cpu()
