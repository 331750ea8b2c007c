"""Temporary files and folders named after the process that owns them.

Every file is written to a temporary sibling and renamed when complete, and every render works in
a scratch folder. A process that dies (kill -9, a power cut) leaves them behind; because each name
carries its owner's pid, leftovers are recognisable later: their owner is gone. Names without an
owner (older versions) count as leftovers once they are old.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_MARK = ".partial"
SCRATCH_PREFIX = "shortgen-"
HIDDEN_SCRATCH_PREFIX = ".shortgen-"
LEGACY_MAX_AGE_SECONDS = 3600.0
_OWNER = re.compile(r"pid(\d+)-")


def temp_sibling(path: Path) -> Path:
    """A temporary name beside `path` (same suffix, so tools pick the same format)."""
    owner = f"pid{os.getpid()}-{uuid.uuid4().hex[:8]}"
    return path.with_name(f".{path.stem}.{owner}{PARTIAL_MARK}{path.suffix}")


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary sibling of `path` and move it into place only on success."""
    tmp = temp_sibling(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def scratch_dir(kind: str, parent: Path | None = None) -> Iterator[Path]:
    """A scratch folder removed afterwards: hidden inside `parent`, or in the system temp folder."""
    prefix = f"{HIDDEN_SCRATCH_PREFIX if parent else SCRATCH_PREFIX}{kind}-pid{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=parent) as folder:
        yield Path(folder)


def _is_ours(path: Path) -> bool:
    name = path.name
    if path.is_dir():
        return name.startswith((SCRATCH_PREFIX, HIDDEN_SCRATCH_PREFIX, ".procedural-"))
    return name.startswith(".") and PARTIAL_MARK in name


def _owner_gone(path: Path, now: float) -> bool:
    owner = _OWNER.search(path.name)
    if owner:
        import psutil  # only when sweeping leftovers: the definitions import this module

        return not psutil.pid_exists(int(owner.group(1)))
    try:
        return now - path.stat().st_mtime > LEGACY_MAX_AGE_SECONDS
    except FileNotFoundError:
        return False


def find_leftovers(folders: Iterable[Path], system_temp: bool = True) -> list[Path]:
    """Temporary files and scratch folders whose owner process is gone, under `folders` (at any
    depth) and, with `system_temp`, directly in the system temp folder."""
    now = time.time()
    candidates: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            candidates.extend(p for p in folder.rglob(".*") if _is_ours(p))
    if system_temp:
        temp = Path(tempfile.gettempdir())
        candidates.extend(p for p in temp.glob(f"{SCRATCH_PREFIX}*") if p.is_dir())
    return sorted({p for p in candidates if _owner_gone(p, now)})


def remove_leftovers(paths: Iterable[Path]) -> list[Path]:
    """Delete leftovers; return what was removed (a path that vanished meanwhile is skipped)."""
    removed = []
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        if not path.exists():
            removed.append(path)
    return removed
