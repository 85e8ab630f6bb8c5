"""The server's allocator: one malloc arena, and the heap that loading frees given back to the
system before the workers are forked."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

from bot.allocator import ARENAS, limit_malloc_arenas
from tools.stack import ROOT

# Frees 80 MB of small blocks under one still in use, which keeps glibc from shrinking the heap
# by itself; prints the resident memory before and after release_free_heap().
PROGRAM = """
import os
from bot.allocator import release_free_heap
def resident_mb():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
blocks = [bytearray(4096) for _ in range(20000)]
kept = bytearray(4096)
del blocks
before = resident_mb()
released = release_free_heap()
print(released, before, resident_mb())
"""


def test_freed_heap_goes_back_to_the_system() -> None:
    result = subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True,
                            text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-3000:]
    released, before, after = result.stdout.split()
    assert released == "True"
    assert float(before) - float(after) > 40


ARENAS_PROGRAM = """
import ctypes, sys, tempfile, threading
from bot.allocator import limit_malloc_arenas
if sys.argv[1] == "limited":
    assert limit_malloc_arenas({})
keep = []
together = threading.Barrier(8)
def allocate():
    keep.extend(bytearray(4096) for _ in range(200))
    together.wait()  # none ends (freeing its arena for the next) before all have allocated
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
with tempfile.NamedTemporaryFile(suffix=".xml") as report:
    stream = libc.fopen(report.name.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    print(open(report.name).read().count("<heap nr="))
"""


@pytest.mark.skipif(not hasattr(ctypes.CDLL(None), "malloc_info"),
                    reason="glibc only")
def test_the_server_keeps_its_malloc_arenas_however_many_threads_allocate() -> None:
    def heaps(mode: str) -> int:
        env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
        done = subprocess.run([sys.executable, "-c", ARENAS_PROGRAM, mode], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60, check=True)
        return int(done.stdout.strip())

    assert heaps("limited") <= ARENAS < heaps("default")


def test_malloc_arena_max_in_the_environment_is_left_to_glibc() -> None:
    assert limit_malloc_arenas({"MALLOC_ARENA_MAX": "4"}) is False
