"""What the benchmark measures outside the load itself: processes, commands and the machine."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

BYTES_PER_MB = 1_000_000


class BenchError(RuntimeError):
    """A step of the benchmark could not run; the message says which and why."""


@dataclass
class Served:
    """A target under test: its base URL, its server processes and how long they took to
    answer their health check after being started."""

    url: str
    pids: dict[str, int]
    log: Path
    start_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    def peak_rss_mb(self) -> dict[str, float | None]:
        """Peak RSS of each server process so far, and of each worker process a server has
        started ("rasa worker 1", ...); call it just before shutdown."""
        peaks = {}
        for name, pid in self.pids.items():
            peaks[name] = peak_rss_mb(pid)
            for number, child in enumerate(child_pids(pid), start=1):
                peaks[f"{name} worker {number}"] = peak_rss_mb(child)
        return peaks

    def total_pss_mb(self, name: str) -> float | None:
        """Memory of a server with all its worker processes (PSS), now; read it after load."""
        pid = self.pids.get(name)
        if pid is None:
            return None
        parts = [pss_mb(p) for p in (pid, *child_pids(pid))]
        return None if any(v is None for v in parts) else sum(parts)


def pss_mb(pid: int) -> float | None:
    """The process's proportional set size in MB: its private memory plus its share of the
    pages it shares (with the processes it was forked from or forked), so that the PSS of a
    server's processes adds up to the memory the server really takes."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024 / BYTES_PER_MB
    return None


def child_pids(pid: int) -> list[int]:
    """The process's children (Sanic's worker processes, for a server with workers)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(children)


def peak_rss_mb(pid: int) -> float | None:
    """The process's high-water resident set (VmHWM) in MB, None if it is gone.

    VmHWM is kept by the kernel for the process's whole life, so one reading at the end
    catches a peak that sampling could miss.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / BYTES_PER_MB
    return None


def timed_command(
    command: list[str], cwd: Path, env: dict[str, str], log: Path, timeout_s: float
) -> float:
    """Runs a command to completion with its output in `log`; returns its wall time in s."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("w") as out:
        try:
            result = subprocess.run(command, cwd=cwd, env=env, stdout=out,
                                    stderr=subprocess.STDOUT, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"{' '.join(command)} took over {timeout_s} s; see {log}") from error
    seconds = time.monotonic() - started
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise BenchError(f"{' '.join(command)} exited {result.returncode}; see {log}:\n{tail}")
    return seconds


def _memory_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024 / 1e9
    except OSError:
        return None
    return None


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    """Date and machine size, printed with the figures because they only mean anything
    beside the hardware (and the load from others) they were measured on."""
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "memory_gb": _memory_total_gb(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "rasa": _package_version("rasa"),
        "rasa_sdk": _package_version("rasa-sdk"),
        "sanic": _package_version("sanic"),
        "aiohttp": _package_version("aiohttp"),
    }


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None
