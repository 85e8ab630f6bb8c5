"""What the stop tests look at: the processes below a server and the ports it held."""

from __future__ import annotations

import os
import signal
import socket
from contextlib import suppress
from pathlib import Path

# The profiles promise to stop within this many seconds of SIGTERM.
STOP_WITHIN_S = 10


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc (children that started their own session
    included)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for its parent."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def kill_tree(pid: int) -> None:
    """Cleans up after a failed test: the process and everything below it, at once."""
    for process in descendants(pid) | {pid}:
        with suppress(ProcessLookupError):
            os.kill(process, signal.SIGKILL)
