"""`payterm pos pair|unpair|list` and `payterm serve`.

Pairing and unpairing are manager actions: the manager PIN is asked and checked once, through
the register's manager PIN check (recorded in the audit log whatever its outcome).
"""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import time
from collections.abc import Callable

from terminal.config import ConfigError
from terminal.config.loader import LoadedSettings, load_settings
from terminal.crypto.keystore import KeyStoreError
from terminal.journal.errors import JournalError
from terminal.pos import wiring
from terminal.pos.headless import HeadlessScanners
from terminal.pos.manager import terminal_prompt
from terminal.pos.pairing import PairingError, Pairings
from terminal.pos.register_core import ManagerApproval, RegisterPaymentCore
from terminal.pos.store import PosStore, PosStoreError
from terminal.register.enrollment import NotEnrolled
from terminal.register.runner import Hooks
from terminal.register.setup import open_register
from terminal.scan.types import ScanResult
from terminal.sdnotify import notify, watchdog_interval

OK, USAGE, SETUP, FAILED = 0, 2, 3, 4


class PosCommandError(Exception):
    def __init__(self, message: str, status: int = FAILED) -> None:
        super().__init__(message)
        self.status = status


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("pos", help="pair POS software with this register's local Terminal API")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    pair = actions.add_parser("pair", help="make a key and passphrase for one POS (manager)")
    pair.add_argument("--name", required=True, help="which POS this is, e.g. 'front counter'")
    pair.add_argument("--key-id", help="key identifier to use (default: a new random one)")
    pair.add_argument("--json", action="store_true", help="print one JSON object")
    _pin_args(pair)
    pair.set_defaults(func=run_pair)
    unpair = actions.add_parser("unpair", help="revoke a POS's key at once (manager)")
    unpair.add_argument("key_id", help="the key identifier to revoke")
    _pin_args(unpair)
    unpair.set_defaults(func=run_unpair)
    listing = actions.add_parser("list", help="paired POS systems (no secrets)")
    listing.set_defaults(func=run_list)

    conformance = actions.add_parser(
        "conformance", help="drive a POS implementation through the exactly-once cases, case by case")
    conformance.add_argument("--pos-command", required=True,
                             help="the POS under test: one sale, {pairing}, {amount} and {abort_after} "
                                  "(seconds; 0: the cashier never cancels) substituted; exit 0 when paid "
                                  "(e.g. 'python examples/reference_pos.py --pairing {pairing} --amount "
                                  "{amount} --abort-after {abort_after}'); docs/pos-integration.md")
    conformance.add_argument("--case", action="append", default=[], help="run only this case (repeatable)")
    conformance.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    conformance.add_argument("--jobs", type=int, default=4, help="cases run at once (default 4)")
    conformance.set_defaults(func=run_conformance)

    serve = sub.add_parser("serve", help="serve the local Terminal API headless (POS owns the screen)")
    serve.add_argument("--host", help="listen address (default: pos.host)")
    serve.add_argument("--port", type=int, help="HTTPS port (default: pos.port, 8443)")
    serve.set_defaults(func=run_serve)


def _pin_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--manager-pin-stdin",
        action="store_true",
        help="read the manager PIN from stdin (otherwise it is asked on the terminal)",
    )


def _settings() -> LoadedSettings:
    try:
        return load_settings()
    except ConfigError as exc:
        raise PosCommandError(str(exc), SETUP) from None


def authorize_manager(loaded: LoadedSettings, from_stdin: bool, actor: str) -> None:
    """The manager's authorization of a pairing change: one check of the manager PIN by the
    wallet (a wrong one counts towards the wallet's lock-out)."""
    if from_stdin:
        pin = sys.stdin.readline().strip()
    elif sys.stdin.isatty():
        pin = getpass.getpass("manager PIN: ")
    else:
        raise PosCommandError("the manager PIN is needed: use a terminal or --manager-pin-stdin", USAGE)
    try:
        reg = open_register(loaded, receipts=False)
    except NotEnrolled as exc:
        raise PosCommandError(str(exc), SETUP) from None
    except (KeyStoreError, JournalError) as exc:
        raise PosCommandError(f"cannot open the register: {exc}", SETUP) from None
    try:
        check = reg.manager_pin().check(pin, actor=actor)
    finally:
        reg.close()
    if not check.ok:
        raise PosCommandError(check.refusal(), SETUP if check.needs_it else USAGE)


def _pairings(loaded: LoadedSettings) -> tuple[PosStore, Pairings]:
    try:
        store = PosStore.in_data_dir(loaded.paths.data_dir)
    except PosStoreError as exc:
        raise PosCommandError(str(exc), SETUP) from None
    return store, Pairings(store)


def _run(command: str, fn: Callable[[], int]) -> int:
    try:
        return fn()
    except PosCommandError as exc:
        print(f"payterm {command}: {exc}", file=sys.stderr)
        return exc.status


def run_pair(args: argparse.Namespace) -> int:
    def go() -> int:
        loaded = _settings()
        authorize_manager(loaded, args.manager_pin_stdin, actor="cli:pos-pair")
        store, pairings = _pairings(loaded)
        with store:
            try:
                new = pairings.pair(args.name, args.key_id)
            except PairingError as exc:
                raise PosCommandError(str(exc), USAGE) from None
        cert = wiring.certificate(loaded)
        info = {
            "pos_name": new.pos_name,
            "endpoint": wiring.endpoint(loaded),
            "poi_id": wiring.poi_id(loaded),
            "key_identifier": new.key_identifier,
            "key_version": new.key_version,
            "adyen_crypto_version": 1,
            "passphrase": new.passphrase,
            "certificate_sha256": cert.fingerprint,
            "certificate_pem": cert.pem,
        }
        if args.json:
            print(json.dumps(info, ensure_ascii=False))
            return OK
        print(f'Paired POS "{new.pos_name}". Enter these in the POS; the passphrase is shown only now.')
        for label, key in (
            ("endpoint", "endpoint"),
            ("POIID", "poi_id"),
            ("KeyIdentifier", "key_identifier"),
            ("KeyVersion", "key_version"),
            ("AdyenCryptoVersion", "adyen_crypto_version"),
            ("Passphrase", "passphrase"),
            ("TLS certificate SHA-256", "certificate_sha256"),
        ):
            print(f"  {label:<24} {info[key]}")
        print(f"The register's TLS certificate, to pin ({cert.cert_path}):")
        print(cert.pem, end="")
        return OK

    return _run("pos pair", go)


def run_unpair(args: argparse.Namespace) -> int:
    def go() -> int:
        loaded = _settings()
        authorize_manager(loaded, args.manager_pin_stdin, actor="cli:pos-unpair")
        store, pairings = _pairings(loaded)
        with store:
            if not pairings.unpair(args.key_id):
                raise PosCommandError(f"no active POS key {args.key_id!r} (see `payterm pos list`)", USAGE)
        print(f"revoked {args.key_id}: that POS is refused from now on")
        return OK

    return _run("pos unpair", go)


def run_list(args: argparse.Namespace) -> int:
    def go() -> int:
        store, pairings = _pairings(_settings())
        with store:
            for p in pairings.list():
                state = "revoked" if p.revoked_at is not None else "active"
                print(f"{p.key_identifier}\tv{p.key_version}\t{state}\t{p.pos_name}")
        return OK

    return _run("pos list", go)


def open_payment_core(
    loaded: LoadedSettings, *, approve: ManagerApproval | None = None, hooks: Hooks | None = None,
    scanner_ok: Callable[[], bool] = lambda: True,
) -> RegisterPaymentCore:
    """The register's payment core behind the ``PaymentCore`` Protocol (``RegisterPaymentCore``)."""
    try:
        reg = open_register(loaded, hooks, receipts=False)
    except NotEnrolled as exc:
        raise PosCommandError(str(exc), SETUP) from None
    except KeyStoreError as exc:
        raise PosCommandError(f"cannot use the device key: {exc}", SETUP) from None
    except JournalError as exc:
        raise PosCommandError(f"cannot open the journal: {exc}", SETUP) from None
    if approve is None:
        approve = terminal_prompt
    return RegisterPaymentCore(reg, loaded, approve=approve, scanner_ok=scanner_ok)


def run_serve(args: argparse.Namespace) -> int:
    def go() -> int:
        loaded = _settings()
        hooks = Hooks()
        reader: list[RegisterPaymentCore] = []

        def on_read(result: ScanResult) -> None:
            if reader and reader[0].register.sale.accepts_code():
                register = reader[0].register
                rejection = register.code_read(result.text, result.symbology, verdict=result.verdict)
                if rejection is not None:
                    print(f"scanner: {rejection.message}", file=sys.stderr)

        scanners = HeadlessScanners(loaded.settings.scanner, on_read)
        hooks.start_scanner = lambda: scanners.set_running(True)
        hooks.stop_scanner = lambda: scanners.set_running(False)
        core = open_payment_core(loaded, hooks=hooks, scanner_ok=scanners.ok)
        reader.append(core)
        try:
            api = wiring.build_api(loaded, core, host=args.host, port=args.port)
        except (OSError, PosStoreError) as exc:
            core.close()
            raise PosCommandError(f"cannot serve the POS API: {exc}", SETUP) from None
        host, port = api.server.address
        # SIGTERM (systemd stop) ends the loop as Ctrl-C does: the API closes, the journal too.
        signal.signal(signal.SIGTERM, lambda signum, frame: _interrupt())
        print(f"POS API on https://{host}:{port}/nexo (certificate SHA-256 {api.certificate.fingerprint})",
              flush=True)
        core.recover_in_background()
        # Under systemd (payterm-serve.service, Type=notify): ready once listening, and a
        # watchdog ping from the serving loop itself, so a hung loop is restarted.
        notify(f"READY=1\nSTATUS=POS API on https://{host}:{port}/nexo")
        try:
            api.server.serve_forever(on_tick=_watchdog_pinger(watchdog_interval()))
        except KeyboardInterrupt:
            pass
        finally:
            api.stop()
            scanners.close()
            core.close()
        return OK

    return _run("serve", go)


def _interrupt() -> None:
    raise KeyboardInterrupt


def _watchdog_pinger(interval: float | None) -> Callable[[], None] | None:
    """WATCHDOG=1 at most every ``interval`` seconds, from the loop that calls it; None without
    a watchdog."""
    if interval is None:
        return None
    last = [0.0]

    def tick() -> None:
        now = time.monotonic()
        if now - last[0] >= interval:
            last[0] = now
            notify("WATCHDOG=1")

    return tick


def run_conformance(args: argparse.Namespace) -> int:
    from terminal.pos import conformance

    try:
        results = conformance.run(args.pos_command, timeout=args.timeout, only=tuple(args.case),
                                  jobs=args.jobs)
    except ValueError as exc:
        print(f"payterm pos conformance: {exc} (cases: {', '.join(c.name for c in conformance.CASES)})",
              file=sys.stderr)
        return USAGE
    what = {case.name: case.what for case in conformance.CASES}
    for r in results:
        print(f"{'PASS' if r.passed else 'FAIL'}  {r.name:<20} {r.detail}", flush=True)
        if not r.passed:
            print(f"      the register {what[r.name]}")
        if not r.passed and r.output:
            print("      " + r.output.strip().replace("\n", "\n      ")[-1500:])
    failed = sum(not r.passed for r in results)
    print(f"{len(results) - failed} of {len(results)} cases passed")
    return OK if failed == 0 and results else FAILED
