"""`payterm` run in-process as a store manager runs it: refunds and voids get the manager PIN on
stdin (`--manager-pin-stdin`), and enrolling sets it (the wallet then holds and checks it)."""

from __future__ import annotations

import io

import pytest

from terminal.cli import main
from tests.sandbox_fixtures import MANAGER_PIN


def payterm(argv: list[str]) -> int:
    if argv and (argv[0] in {"refund", "cancel"} or (argv[0] == "enroll" and "--code" in argv)):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("sys.stdin", io.StringIO(MANAGER_PIN + "\n"))
            return main([*argv, "--manager-pin-stdin"])
    return main(argv)
