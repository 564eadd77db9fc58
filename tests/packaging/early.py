"""The packaging tests' long preparations, started as soon as the session's tests are collected,
so that they run while the rest of the suite does (much of which waits on sockets and timers)
instead of after it: the two package builds (version 1, then version 2 from a copy of the tree,
which reuses version 1's runtime from the cache) and the Debian 12 chroot (debootstrap).

The fixtures that need them (tests/packaging/conftest.py ``built``, test_chroot.py ``v2`` and
``debian``) wait for what was started here, or do the work themselves when nothing was (a run of
one test file, say). Nothing here decides a result: a failed build or debootstrap is reported by
the fixture that waits for it.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_started: dict[str, Future[Any]] = {}
_dirs: list[Path] = []


def _in_background(name: str, work: Callable[[], T]) -> None:
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the fixture that waits
            future.set_exception(exc)

    threading.Thread(target=run, name=f"early-{name}", daemon=True).start()
    _started[name] = future


def start(items: Iterable[Any]) -> None:
    """Start what the collected packaging tests will need."""
    paths = [(str(getattr(item, "path", "")), item) for item in items]
    packaging = [item for path, item in paths if "/tests/packaging/" in path]
    if not packaging or _started:
        return
    base = Path(tempfile.mkdtemp(prefix="payterm-packaging-"))
    _dirs.append(base)
    from tests.packaging.conftest import ROOT, build_packages

    chroot_tests = [item for item in packaging if item.get_closest_marker("chroot") is not None]

    def builds() -> tuple[tuple[Path, Path], tuple[Path, Path] | None]:
        first = build_packages(ROOT, base / "v1" / "dist", base / "v1" / "work")
        if not chroot_tests:
            return first, None
        from tests.packaging.test_chroot import second_version

        second = second_version(base / "v2")
        return first, build_packages(second, base / "v2" / "dist", base / "v2" / "work")

    _in_background("builds", builds)
    if chroot_tests and shutil.which("debootstrap") is not None:
        from tests.packaging.test_chroot import debootstrap

        _in_background("debian", lambda: debootstrap(base / "chroot" / "bookworm"))


def result(name: str, timeout: float) -> Any | None:
    """What was started under ``name`` (raising what it raised), or None when nothing was."""
    future = _started.get(name)
    return None if future is None else future.result(timeout=timeout)


def finish() -> None:
    for base in _dirs:
        shutil.rmtree(base, ignore_errors=True)
    _dirs.clear()
    _started.clear()
