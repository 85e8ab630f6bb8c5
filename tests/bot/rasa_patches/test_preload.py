"""The heap that loading frees goes back to the system before the workers are forked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Frees 80 MB of small blocks under one still in use, which keeps glibc from shrinking the heap
# by itself; prints the resident memory before and after release_free_heap().
PROGRAM = """
import os
from bot.rasa_patches.preload import release_free_heap
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
