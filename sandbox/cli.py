"""`payterm sandbox …` (serve, enrollment-code, wallet-key-fingerprint, payment-code) and `payterm
demo`'s launcher."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import platformdirs

from sandbox.codes import issue_enrollment_code, issue_payment_code
from sandbox.errors import ApiError
from sandbox.seed import CUSTOMERS, DEMO_PIN, TEST_VALUES
from sandbox.settings import Faults, Knobs, RiskPolicy
from sandbox.state import open_sandbox

DEFAULT_DB = platformdirs.user_data_path("payterm") / "sandbox.sqlite3"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("sandbox", help="the built-in sandbox wallet (test mode)")
    commands = parser.add_subparsers(dest="sandbox_command", metavar="SUBCOMMAND", required=True)

    serve = commands.add_parser("serve", help="run the sandbox wallet server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8787)
    _db_arg(serve)
    serve.add_argument("--public-url", help="the URL clients use (behind a proxy); default: the Host header")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    faults = serve.add_argument_group("fault knobs")
    faults.add_argument("--latency-ms", type=int, default=0, help="delay every /v1 request")
    faults.add_argument("--fail-rate", type=float, default=0.0, help="share of /v1 requests answered 503")
    faults.add_argument("--drop-after-commit", type=float, default=0.0,
                        help="share of charge requests whose connection is dropped after commit")
    faults.add_argument("--clock-offset", type=int, default=0, metavar="S", help="shift the wallet clock")
    risk = serve.add_argument_group("risk policy (when to ask for a step-up)")
    default = RiskPolicy()
    risk.add_argument("--step-up-over", type=int, default=default.step_up_over_amount, metavar="MINOR",
                      help="amounts above this (minor units)")
    risk.add_argument("--no-step-up-first-payment", action="store_true",
                      help="do not step up a customer's first payment at the merchant")
    risk.add_argument("--velocity-count", type=int, default=default.velocity_count, metavar="N",
                      help="more than N approved payments ...")
    risk.add_argument("--velocity-window", type=int, default=default.velocity_window_s, metavar="S",
                      help="... within S seconds")
    risk.add_argument("--step-up-seconds", type=int, default=default.step_up_seconds,
                      help="time to answer a step-up (<= 120)")
    serve.set_defaults(func=serve_command)

    enroll = commands.add_parser("enrollment-code", help="print a fresh one-time enrollment code")
    _db_arg(enroll)
    enroll.set_defaults(func=enrollment_code_command)

    fp = commands.add_parser("wallet-key-fingerprint",
                             help="print the wallet signing key's fingerprint, for `payterm enroll "
                                  "--wallet-key-fingerprint` (a real wallet provider gives it out of band)")
    _db_arg(fp)
    fp.set_defaults(func=wallet_key_fingerprint_command)

    reset = commands.add_parser("manager-reset-code",
                                help="the wallet's admin side: print a one-time code that lets IT set a "
                                     "register's forgotten manager PIN (`payterm manager-pin reset`)")
    _db_arg(reset)
    reset.add_argument("--device", required=True, help="the register's device id (`payterm doctor`)")
    reset.add_argument("--by", default="sandbox-admin", help="who issues it (kept in the wallet's audit)")
    reset.set_defaults(func=manager_reset_code_command)

    pay = commands.add_parser("payment-code", help="print a fresh payment code for a demo customer")
    _db_arg(pay)
    pay.add_argument("--customer", required=True, help="e.g. alice (see docs/sandbox.md)")
    pay.set_defaults(func=payment_code_command)


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"sandbox database (default {DEFAULT_DB})")


def knobs_from_args(args: argparse.Namespace) -> Knobs:
    risk = RiskPolicy(step_up_over_amount=args.step_up_over,
                      step_up_first_payment=not args.no_step_up_first_payment,
                      velocity_count=args.velocity_count, velocity_window_s=args.velocity_window,
                      step_up_seconds=args.step_up_seconds)
    faults = Faults(latency_ms=args.latency_ms, fail_rate=args.fail_rate,
                    drop_after_commit=args.drop_after_commit, clock_offset_s=args.clock_offset)
    return Knobs(risk, faults)


def serve_command(args: argparse.Namespace) -> int:
    import uvicorn
    from pydantic import ValidationError

    from sandbox.server import uvicorn_config

    try:
        knobs = knobs_from_args(args)
    except ValidationError as exc:
        print(f"payterm sandbox serve: {exc}", file=sys.stderr)
        return 2
    sb = open_sandbox(args.db, knobs, public_url=args.public_url)
    print(f"PayTerm sandbox wallet on http://{args.host}:{args.port}  (database {args.db})", file=sys.stderr)
    uvicorn.Server(uvicorn_config(sb, args.host, args.port, log_level=args.log_level)).run()
    return 0


def enrollment_code_command(args: argparse.Namespace) -> int:
    sb = open_sandbox(args.db)
    with sb.db.tx() as conn:
        print(issue_enrollment_code(conn, sb.clock.now()).value)
    return 0


def wallet_key_fingerprint_command(args: argparse.Namespace) -> int:
    from terminal.crypto.keystore import fingerprint

    print(fingerprint(open_sandbox(args.db).keys.signer.public_key_bytes()))
    return 0


def manager_reset_code_command(args: argparse.Namespace) -> int:
    from sandbox.managers import issue_token

    sb = open_sandbox(args.db)
    try:
        with sb.db.tx() as conn:
            print(issue_token(conn, args.device, "reset", sb.clock.now(), issued_by=args.by))
    except ApiError as exc:
        print(f"payterm sandbox manager-reset-code: {exc.detail}", file=sys.stderr)
        return 1
    return 0


def payment_code_command(args: argparse.Namespace) -> int:
    sb = open_sandbox(args.db)
    try:
        with sb.db.tx() as conn:
            print(issue_payment_code(conn, args.customer, sb.clock.now()).value)
    except ApiError as exc:
        names = ", ".join(c.name for c in CUSTOMERS)
        print(f"payterm sandbox payment-code: {exc.detail} (customers: {names})", file=sys.stderr)
        return 1
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """Start a sandbox on loopback and explain how to use it; runs until Ctrl-C."""
    from sandbox.server import SandboxServer

    tmp = None
    if args.db:
        db = Path(args.db)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="payterm-demo-")
        db = Path(tmp.name) / "sandbox.sqlite3"
    sb = open_sandbox(db)
    server = SandboxServer(sb, args.host, args.port).start()
    with sb.db.tx() as conn:
        code = issue_enrollment_code(conn, sb.clock.now()).value
    url = server.url
    lines = [
        "PayTerm demo: the sandbox wallet is running (test money only).",
        f"  Wallet API:        {url}/v1   (OpenAPI: {url}/openapi.json)",
        f"  Database:          {db}",
        f"  Enrollment code:   {code}   (one-time, 24 h)",
        f"  Enroll a register: payterm enroll --wallet {url} --code {code}",
        "",
        f"Customer wallet pages (open in a browser; every PIN is {DEMO_PIN}):",
        *(f"  {c.name:<6} {url}/wallet/{c.name:<6}  {c.note}" for c in CUSTOMERS),
        "",
        "Test amounts (any customer):",
        *(f"  {v.amount:>5}  {v.description}" for v in TEST_VALUES),
        "",
        f"Fresh payment code without a browser: payterm sandbox payment-code --db {db} --customer alice",
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nstopping the sandbox", file=sys.stderr)
    finally:
        server.stop()
        if tmp is not None:
            tmp.cleanup()
    return 0
