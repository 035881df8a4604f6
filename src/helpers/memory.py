r"""Peak memory as the process or the device sees it.

Checkpointing trades time for memory, so the memory must be measured where it lives. Three
measures, from the most to the least complete:

* **device** (:func:`track` with ``method="device"``): ``device.memory_stats()`` of a JAX
  device that reports it (GPUs and TPUs): ``peak_bytes_in_use`` counts every buffer XLA
  allocated on the device. The device keeps one peak since the process started and JAX offers
  no reset, so a region whose peak stays below an earlier one is reported as unknown
  (``peak_bytes=None``); :func:`peak_memory` (a fresh process) avoids that.
* **rss** (the default on Linux CPUs): the process's resident set, read from
  ``/proc/self/status``. The high-water mark ``VmHWM`` is reset at the start of the region
  (writing ``5`` to ``/proc/self/clear_refs``), so ``peak_bytes = VmHWM - VmRSS(start)`` is the
  most the process held above its starting point, whoever allocated it: XLA's buffers on the
  CPU, numpy, Python. Pages are 4 KiB and the C allocator may reuse memory it already holds, so
  to see large buffers come and go the measurement asks glibc (once per process) to serve
  blocks of 64 KiB and more with ``mmap`` and returns free heap memory (``malloc_trim``) before
  the baseline is read. Small allocations can still hide in memory the process already holds:
  trust differences of many pages, not of a few kilobytes.
* **tracemalloc**: Python's own allocations only (numpy arrays on the host, Python objects). It
  does **not** see XLA's buffers: an 8 MB ``jnp`` array registers tens of kilobytes. Use it only
  for pure-Python or numpy code, and say so.

``with track() as report: ...`` measures a region of this process; ``report`` is a
:class:`MemoryReport` filled in when the region ends. :func:`peak_memory` runs
``fn(*args, **kwargs)`` in a **fresh** Python process (``fn`` must be importable: defined in a
module, not in a notebook), first once to compile, then measured; it also reports the process's
baseline, the constant to add to a budget × state-size estimate.

Nothing here runs at import: no JAX configuration, no allocator setting.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import pickle
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterator

__all__ = ["MemoryReport", "track", "peak_memory", "rss_bytes", "available_methods"]

METHODS = ("auto", "device", "rss", "tracemalloc")
_PROC_STATUS = "/proc/self/status"
_CLEAR_REFS = "/proc/self/clear_refs"
_MMAP_THRESHOLD = 64 * 1024


@dataclass
class MemoryReport:
    """What a memory measurement saw.

    ``peak_bytes``: the most memory held above ``baseline_bytes`` during the region (``None``
    if the method could not see it). ``baseline_bytes``: what was held when the region started
    (the process's resident set, or the device's bytes in use, or the traced Python
    allocations). ``method``: ``"device"``, ``"rss"`` or ``"tracemalloc"``; ``device``: where
    (``"cpu"``, ``"cuda:0"``, ...). ``seconds``: wall time of the region. ``note``: caveats.
    :func:`peak_memory` also fills ``startup_bytes`` (the fresh process after its imports) and
    ``result`` (what ``fn`` returned, if it pickles)."""

    peak_bytes: int | None = None
    baseline_bytes: int | None = None
    method: str = "none"
    device: str = "cpu"
    seconds: float | None = None
    note: str = ""
    startup_bytes: int | None = None
    result: Any = field(default=None, repr=False)

    @property
    def total_bytes(self) -> int | None:
        """``baseline_bytes + peak_bytes``: the high-water mark itself."""
        if self.peak_bytes is None or self.baseline_bytes is None:
            return None
        return self.baseline_bytes + self.peak_bytes

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("result")
        return d


# --------------------------------------------------------------------------- the process
def _status_kib(key: str) -> int | None:
    try:
        with open(_PROC_STATUS) as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_bytes() -> int | None:
    """The process's resident set now (``VmRSS``), or ``None`` where ``/proc`` is missing."""
    kib = _status_kib("VmRSS")
    return None if kib is None else 1024 * kib


def _hwm_bytes() -> int | None:
    kib = _status_kib("VmHWM")
    return None if kib is None else 1024 * kib


def _reset_hwm() -> bool:
    try:
        with open(_CLEAR_REFS, "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


_LIBC: Any = None


def _libc():
    global _LIBC
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _LIBC.mallopt(-3, _MMAP_THRESHOLD)  # M_MMAP_THRESHOLD: big blocks by mmap, freed to the OS
        except (OSError, AttributeError):
            _LIBC = False
    return _LIBC


def _settle() -> None:
    """Collect garbage and hand free heap memory back to the OS, so that the baseline is what
    the process really holds."""
    gc.collect()
    libc = _libc()
    if libc:
        try:
            libc.malloc_trim(0)
        except AttributeError:
            pass


def _jax_device():
    """The default JAX device if JAX is already in use, else ``None`` (never starts JAX)."""
    if "jax" not in sys.modules:
        return None
    try:
        import jax

        return jax.devices()[0]
    except Exception:  # noqa: BLE001 - no backend: nothing to ask
        return None


def _device_stats(dev) -> dict | None:
    if dev is None or dev.platform == "cpu":
        return None
    try:
        stats = dev.memory_stats()
    except Exception:  # noqa: BLE001 - the backend does not report
        return None
    return stats if stats and "peak_bytes_in_use" in stats else None


def available_methods() -> list[str]:
    """The methods :func:`track` can use here, best first."""
    out = []
    if _device_stats(_jax_device()) is not None:
        out.append("device")
    if rss_bytes() is not None and os.access(_CLEAR_REFS, os.W_OK):
        out.append("rss")
    out.append("tracemalloc")
    return out


@contextlib.contextmanager
def track(method: str = "auto") -> Iterator[MemoryReport]:
    """Measure the peak memory of the ``with`` block (module docstring).

    ``method``: ``"auto"`` (the device's statistics on an accelerator, else the process's
    resident set, else ``tracemalloc``), ``"device"``, ``"rss"`` or ``"tracemalloc"``.
    Call ``jax.block_until_ready`` on results inside the block, or asynchronous work may
    finish after it."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    dev = _jax_device()
    stats = _device_stats(dev)
    if method == "auto":
        method = available_methods()[0]
    report = MemoryReport(method=method, device="cpu" if dev is None else f"{dev.platform}:{dev.id}")
    if method == "device":
        if stats is None:
            raise RuntimeError("method='device': the default JAX device reports no memory_stats()")
        in_use0, peak0 = stats.get("bytes_in_use", 0), stats["peak_bytes_in_use"]
        report.baseline_bytes = int(in_use0)
        t0 = time.perf_counter()
        yield report
        report.seconds = time.perf_counter() - t0
        peak1 = dev.memory_stats()["peak_bytes_in_use"]
        if peak1 > peak0:
            report.peak_bytes = int(peak1 - in_use0)
        else:
            report.note = ("the device's peak since the process started is higher than this "
                           "region's; measure in a fresh process (helpers.memory.peak_memory)")
        return
    if method == "rss":
        _settle()
        if not _reset_hwm():
            raise RuntimeError("method='rss' needs a writable /proc/self/clear_refs (Linux)")
        report.baseline_bytes = rss_bytes()
        report.device = "cpu" if dev is None else f"{dev.platform}:{dev.id}"
        if dev is not None and dev.platform != "cpu":
            report.note = "host memory only: the device's buffers are not in the resident set"
        t0 = time.perf_counter()
        yield report
        report.seconds = time.perf_counter() - t0
        hwm = _hwm_bytes()
        if hwm is not None and report.baseline_bytes is not None:
            report.peak_bytes = int(max(hwm - report.baseline_bytes, 0))
        return
    # tracemalloc
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    tracemalloc.reset_peak()
    report.baseline_bytes = tracemalloc.get_traced_memory()[0]
    report.note = "Python allocations only: XLA's buffers are not traced"
    t0 = time.perf_counter()
    try:
        yield report
        report.seconds = time.perf_counter() - t0
        report.peak_bytes = int(tracemalloc.get_traced_memory()[1] - report.baseline_bytes)
    finally:
        if started:
            tracemalloc.stop()


# --------------------------------------------------------------------------- a fresh process
def peak_memory(fn: Callable, *args: Any, warmup: bool = True, method: str = "auto",
                timeout: float = 600.0, **kwargs: Any) -> MemoryReport:
    """Run ``fn(*args, **kwargs)`` in a fresh Python process and return the peak memory of the
    call as a :class:`MemoryReport`.

    The child imports ``fn`` by name (so ``fn`` must live in an importable module; arguments
    are pickled), uses this process's JAX platform and precision, runs ``fn`` once to compile
    (``warmup=True``), then measures a second call with :func:`track`. ``baseline_bytes`` is the
    child's resident set (or device bytes) before the measured call: Python, JAX, the compiled
    program and the arguments, the constant of any budget × state-size estimate.
    ``result`` holds ``fn``'s return value when it pickles."""
    try:
        payload = pickle.dumps((fn, args, kwargs))
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        raise TypeError(f"peak_memory runs fn in a fresh process, so fn and its arguments must "
                        f"pickle (fn defined in an importable module, not in a notebook or as a "
                        f"lambda): {exc}") from None
    env = dict(os.environ)
    env["MALLOC_MMAP_THRESHOLD_"] = str(_MMAP_THRESHOLD)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    if "jax" in sys.modules:
        import jax

        env["JAX_ENABLE_X64"] = "1" if jax.config.jax_enable_x64 else "0"
        if "JAX_PLATFORMS" not in env:
            dev = _jax_device()
            if dev is not None:
                env["JAX_PLATFORMS"] = dev.platform
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = os.path.join(tmp, "in.pkl"), os.path.join(tmp, "out.pkl")
        with open(inp, "wb") as fh:
            fh.write(payload)
        proc = subprocess.run([sys.executable, "-m", "helpers.memory", inp, out, method,
                               "1" if warmup else "0"], env=env, capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode != 0 or not os.path.exists(out):
            raise RuntimeError(f"peak_memory: the child process failed:\n{proc.stderr[-3000:]}")
        with open(out, "rb") as fh:
            info, result = pickle.load(fh)
    report = MemoryReport(**info)
    report.result = result
    return report


def _child(inp: str, out: str, method: str, warmup: bool) -> None:
    startup = rss_bytes()
    with open(inp, "rb") as fh:
        fn, args, kwargs = pickle.load(fh)

    def call():
        r = fn(*args, **kwargs)
        if "jax" in sys.modules:
            import jax

            r = jax.block_until_ready(r)
        return r

    if warmup:
        call()
    with track(method) as report:
        result = call()
    report.startup_bytes = startup
    info = report.as_dict()
    try:
        blob = pickle.dumps((info, result))
    except Exception:  # noqa: BLE001 - an unpicklable result is dropped, the report kept
        blob = pickle.dumps((info, None))
    with open(out, "wb") as fh:
        fh.write(blob)


if __name__ == "__main__":  # the child of peak_memory
    _child(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1")
