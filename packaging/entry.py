"""PyInstaller's entry script for the one-folder build: the same `payterm` command as the
console script installed by pip."""

import multiprocessing
import sys

from terminal.cli import main

if __name__ == "__main__":
    # The receipt worker is a spawned process (terminal/receipts/worker.py); in a frozen build
    # the child is this executable, which must hand over to multiprocessing before anything else.
    multiprocessing.freeze_support()
    sys.exit(main())
