"""The demo launcher: the one place where the register starts the sandbox wallet.

`payterm sandbox …` hands over to the sandbox's own command line; `payterm demo` starts a
sandbox on loopback for a first look at the product.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    from sandbox import cli as sandbox_cli  # the only import of sandbox from terminal

    sandbox_cli.register(sub)

    demo = sub.add_parser("demo", help="start the built-in sandbox wallet and the terminal")
    demo.add_argument("--db", help="sandbox database file (default: a fresh temporary one)")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=0, help="0 picks a free port")
    demo.set_defaults(func=sandbox_cli.run_demo)
