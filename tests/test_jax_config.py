"""Importing a helper module must not change JAX's configuration (platform or precision).

A reader with a GPU imports the helpers unchanged; only ``helpers.jax_cpu()`` chooses. Each
module is imported in a fresh interpreter with ``JAX_PLATFORMS`` unset, and afterwards JAX must
still have its defaults: 32-bit floats, no backend started, ``JAX_PLATFORMS`` still unset.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys

import helpers

PROBE = r"""
import importlib, json, os, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
import jax
from jax._src import xla_bridge
print(json.dumps({
    "x64": bool(jax.config.jax_enable_x64),
    "platforms_env": os.environ.get("JAX_PLATFORMS"),
    "backend_started": bool(xla_bridge.backends_are_initialized()),
}))
"""


def _modules() -> list[str]:
    names = ["helpers"]
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if info.name.split(".")[-1] in ("__main__",) or info.name.endswith(("grade", "edition")):
            continue
        names.append(info.name)
    return names


_CLEAN = {"x64": False, "platforms_env": None, "backend_started": False}


def _probe(names: list[str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "JAX_PLATFORMS"}
    out = subprocess.run([sys.executable, "-c", PROBE, *names], capture_output=True, text=True,
                         env=env, timeout=300)
    assert out.returncode == 0, f"importing {names} failed:\n{out.stderr[-2000:]}"
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_helper_imports_leave_jax_alone():
    names = _modules()
    assert len(names) > 20
    if _probe(names) == _CLEAN:  # one interpreter for all; one each only to name the culprit
        return
    changed = {n: s for n in names if (s := _probe([n])) != _CLEAN}
    assert not changed, f"importing these modules changed JAX's configuration: {changed}"


def test_jax_cpu_chooses_cpu_and_x64_but_respects_a_set_platform():
    code = ("import helpers, os; jax = helpers.jax_cpu(); import jax.numpy as jnp; "
            "print(jax.config.jax_enable_x64, jnp.zeros(1).dtype, jax.default_backend(), "
            "os.environ['JAX_PLATFORMS'])")
    env = {k: v for k, v in os.environ.items() if k != "JAX_PLATFORMS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.stdout.split() == ["True", "float64", "cpu", "cpu"], out.stderr[-2000:]
    env["JAX_PLATFORMS"] = "cpu"  # a reader's own choice is kept (here the same, as no GPU)
    code32 = "import helpers; jax = helpers.jax_cpu(x64=False); import jax.numpy as jnp; print(jnp.zeros(1).dtype)"
    out = subprocess.run([sys.executable, "-c", code32], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.stdout.strip() == "float32", out.stderr[-2000:]
