"""PyInstaller's entry script for the one-folder build: the same `payterm` command as the
console script installed by pip."""

import sys

from terminal.cli import main

if __name__ == "__main__":
    sys.exit(main())
