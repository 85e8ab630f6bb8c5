"""glibc's allocator, set for the Rasa server: one arena, and the heap that loading freed
given back before the workers are forked. Both are no-ops where libc lacks them (musl)."""

from __future__ import annotations

import ctypes
import os
from collections.abc import Mapping
from typing import Any

# glibc's mallopt parameter for the most arenas (malloc.h), and how many the server keeps.
M_ARENA_MAX = -8
ARENAS = 1


def _libc(name: str) -> Any:
    """The C library's function of that name, None where it has none."""
    return getattr(ctypes.CDLL(None), name, None)


def limit_malloc_arenas(environ: Mapping[str, str] = os.environ) -> bool:
    """One malloc arena instead of glibc's eight per core: the workers' threads (SQLite, the
    executor) otherwise each fragment their own. Two arenas left the whole server 2.5 to 3 MB
    larger after make bench's load than one, at the same throughput; a worker's threads seldom
    allocate at once, so they hardly wait for the arena's lock. Set
    before any thread starts, so that every way of starting Rasa has it; MALLOC_ARENA_MAX in
    the environment, which glibc reads itself, wins. False where libc has no mallopt (musl)."""
    if "MALLOC_ARENA_MAX" in environ:
        return False
    mallopt = _libc("mallopt")
    return mallopt is not None and mallopt(M_ARENA_MAX, ARENAS) == 1


def release_free_heap() -> bool:
    """Gives the heap pages that loading used and freed back to the system before the fork
    (about 1.8 MB of the whole server in the memory probe): kept, each worker would carry them
    in its share. False where libc has no malloc_trim (musl)."""
    trim = _libc("malloc_trim")
    return trim is not None and trim(0) == 1
