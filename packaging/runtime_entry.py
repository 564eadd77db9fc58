"""The entry of the runtime package (payterm-runtime): Python, Qt and the decoders, frozen by
PyInstaller. PayTerm's own code is not in it: it lives in the app package's folder
(``PAYTERM_APP_DIR``, /opt/payterm/app, set by /usr/bin/payterm), put first on ``sys.path`` here,
so that an app-only release ships only the app package.

``PAYTERM_RUNTIME_CHECK=FILE`` (packaging/build.py, after building an app): import every module
named in FILE, one a line, print those that fail and exit 1 if any did: an app that needs a
module this runtime lacks is refused at build time, not on a register."""

import importlib
import multiprocessing
import os
import sys
import traceback

APP_DIR = os.environ.get("PAYTERM_APP_DIR", "/opt/payterm/app")


def check(names_file: str) -> int:
    with open(names_file, encoding="utf-8") as fh:
        names = [line.strip() for line in fh if line.strip()]
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - every failure is reported, whatever it is
            failed.append(f"{name}: {traceback.format_exc().strip().splitlines()[-1]}")
    for line in failed:
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, APP_DIR)
    # The receipt worker is a spawned process (terminal/receipts/worker.py); in a frozen build
    # the child is this executable, which must hand over to multiprocessing before anything else
    # (after the app's folder is on the path: the child unpickles the app's functions).
    multiprocessing.freeze_support()
    if os.environ.get("PAYTERM_RUNTIME_CHECK"):
        sys.exit(check(os.environ["PAYTERM_RUNTIME_CHECK"]))
    from terminal.cli import main

    sys.exit(main())
