"""`payterm charge`: one whole sale from the command line (for scripts and for registers driven
by other POS software), and `payterm recover`: resolve unfinished sales after a crash.

A thin client of the payment core the POS API uses (terminal/pos/register_core.py): the sale is
submitted to it as the POS ``cli:charge`` (the journal records that the command line asked), with
``--reference`` as its SaleTransactionID, so a charge repeating a reference never charges again
and prints the first one's result. The command decides no payment rule: it prints the core's
answer, and in between asks for the step-up input the sale says it needs.

Before a new sale, every unfinished sale in the journal is resolved with the wallet. On a
terminal, a PIN or one-time code is asked for at the prompt (the PIN is not echoed) and an in-app
confirmation is waited for with a countdown. Ctrl-C cancels the sale (at the wallet when needed).
"""

from __future__ import annotations

import argparse
import getpass
import json
import queue
import secrets
import signal
import sys
from types import FrameType
from typing import NoReturn, TextIO

from terminal.commands.amount_arg import minor_units
from terminal.commands.common import CommandError, Exit, fail, open_the_register, settings
from terminal.config.loader import LoadedSettings
from terminal.domain.flow import Sale, SaleState, StepUpMethod
from terminal.domain.money import Money, MoneyError
from terminal.journal.errors import JournalError
from terminal.pos import core as c
from terminal.pos.register_core import RegisterPaymentCore
from terminal.register.register import Register
from terminal.register.runner import Hooks
from terminal.wallet.errors import WalletError

# The command line's place in the payment core (terminal/pos/core.py): the journal records it as
# the asker of its sales, as it records each POS (a key identifier no pairing can have).
CLI = c.PosIdentity("cli:charge", "payterm charge")
CLI_SALE = "payterm-charge"
OUTCOME_EXIT = {
    c.PaymentStatus.APPROVED: Exit.OK, c.PaymentStatus.DECLINED: Exit.DECLINED,
    c.PaymentStatus.REVERSED: Exit.REVERSED, c.PaymentStatus.CANCELLED: Exit.REVERSED,
}
_CORE_ERRORS: dict[type[c.PaymentCoreError], str] = {
    c.Busy: "busy", c.NotAllowed: "refused", c.NotFound: "not_found", c.Unavailable: "journal",
    c.PaymentCoreError: "failed",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("charge", help="take one payment", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--amount", type=minor_units, required=True, help="amount in minor units (JPY: yen)")
    p.add_argument("--currency", help="ISO 4217 code (default: register.currency)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--code", help="the payment code (visible to other users in the process list: "
                                    "prefer --code-stdin)")
    src.add_argument("--code-stdin", action="store_true", help="read the payment code from standard input")
    p.add_argument("--reference", help="merchant reference (default: made by the register)")
    p.add_argument("--step-up-stdin", action="store_true",
                   help="read PIN / one-time code from standard input instead of prompting (POS integration)")
    p.add_argument("--json", action="store_true",
                   help="print exactly one JSON object, errors included (docs/cli.md: the error codes)")
    p.add_argument("--receipt", action="store_true",
                   help="issue the register's receipts for an approved sale (printer, or PDF in the data directory)")
    p.set_defaults(func=run_charge)
    plain_error = p.error

    def usage_error(message: str) -> NoReturn:
        # Bad or missing options: with --json still one JSON object, and argparse's exit status.
        if "--json" in sys.argv[1:]:
            sys.stderr.write(f"payterm charge: {message}\n")
            print(json.dumps(error_json("usage", message)))
            sys.exit(int(Exit.USAGE))
        plain_error(message)
        sys.exit(int(Exit.USAGE))  # not reached: argparse's error exits

    p.error = usage_error  # type: ignore[method-assign]

    r = sub.add_parser("recover", help="resolve unfinished sales with the wallet")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=run_recover)


class ChargeError(CommandError):
    """A charge that ended without a verdict, with its stable ``--json`` error code."""

    def __init__(self, code: str, message: str, status: Exit = Exit.FAILED) -> None:
        super().__init__(message, status)
        self.code = code


def error_json(code: str, message: str) -> dict[str, object]:
    """The one JSON object of a charge that got no verdict; ``error`` is stable (docs/cli.md)."""
    return {"status": "error", "error": code, "message": message}


def sale_json(sale: Sale) -> dict[str, object]:
    return {
        "status": sale.state.value,
        "error": None,
        "amount": sale.amount.amount if sale.amount else None,
        "currency": sale.amount.currency if sale.amount else None,
        "reference": sale.reference, "wallet": sale.wallet, "last4": sale.last4,
        "charge_id": sale.charge_id, "approval_code": sale.approval_code,
        "decline": {"code": sale.decline.code, "message": sale.decline.message} if sale.decline else None,
        "idempotency_key": sale.idempotency_key,
    }


def outcome_json(outcome: c.PaymentOutcome) -> dict[str, object]:
    """The one JSON object of a charge that got its verdict (docs/cli.md)."""
    declined = outcome.status is c.PaymentStatus.DECLINED
    return {
        "status": outcome.status.value,
        "error": None,
        "amount": outcome.amount.amount,
        "currency": outcome.amount.currency,
        "reference": outcome.reference, "wallet": outcome.wallet, "last4": outcome.code_last4,
        "charge_id": outcome.charge_id, "approval_code": outcome.approval_code,
        "decline": {"code": outcome.decline_code, "message": outcome.message} if declined else None,
        "idempotency_key": outcome.idempotency_key,
    }


def describe_outcome(outcome: c.PaymentOutcome) -> str:
    amount = outcome.amount.format()
    if outcome.status is c.PaymentStatus.APPROVED:
        return (f"APPROVED {amount} {outcome.wallet or ''} approval {outcome.approval_code} "
                f"(code …{outcome.code_last4})")
    if outcome.status is c.PaymentStatus.DECLINED:
        return f"DECLINED {amount}: {outcome.message or outcome.decline_code or 'declined'}"
    why = f" ({outcome.message})" if outcome.message else ""
    return f"NOT CHARGED {amount}: the payment was cancelled{why}"


def describe(sale: Sale) -> str:
    amount = sale.amount.format() if sale.amount else ""
    if sale.state is SaleState.APPROVED:
        return f"APPROVED {amount} {sale.wallet or ''} approval {sale.approval_code} (code …{sale.last4})"
    if sale.state is SaleState.DECLINED:
        reason = sale.decline.message or sale.decline.code if sale.decline else "declined"
        return f"DECLINED {amount}: {reason}"
    return f"NOT CHARGED {amount}: the payment was cancelled{f' ({sale.note})' if sale.note else ''}"


def run_recover(args: argparse.Namespace) -> int:
    try:
        reg = open_the_register(settings())
    except CommandError as exc:
        return fail("recover", exc)
    try:
        done = reg.recover()
    finally:
        reg.close()
    if args.json:
        print(json.dumps([sale_json(s) for s in done]))
    else:
        for sale in done:
            print(f"{sale.reference}: {describe(sale)}")
        if not done:
            print("nothing to recover")
    return int(Exit.OK)


def run_charge(args: argparse.Namespace) -> int:
    """Every way out of a charge: a verdict (one sale object) or an error (one error object);
    with ``--json`` exactly one of them on stdout, the words for people on stderr."""
    try:
        return _run_charge(args)
    except ChargeError as exc:
        if args.json:
            print(json.dumps(error_json(exc.code, str(exc)), ensure_ascii=False))
        return fail("charge", exc)


def _run_charge(args: argparse.Namespace) -> int:
    updates: queue.Queue[Sale | BaseException] = queue.Queue()
    try:
        loaded = settings()
    except CommandError as exc:
        raise ChargeError("config", str(exc), exc.status) from None
    currency = args.currency or loaded.settings.register.currency
    try:
        amount = Money(args.amount, currency)
    except MoneyError as exc:
        raise ChargeError("bad_amount", f"bad amount: {exc}", Exit.USAGE) from None
    code = sys.stdin.readline().strip() if args.code_stdin else args.code
    if not code:
        raise ChargeError("no_code", "no payment code given", Exit.USAGE)
    try:
        reg = open_the_register(loaded, Hooks(on_error=updates.put), receipts=args.receipt)
    except CommandError as exc:
        raise ChargeError("not_ready", str(exc), exc.status) from None
    try:
        return _charge(reg, loaded, amount, code, args, updates)
    except ChargeError:
        raise
    except CommandError as exc:
        raise ChargeError("failed", str(exc), exc.status) from None
    except WalletError as exc:
        raise ChargeError("wallet_unavailable", str(exc), Exit.FAILED) from None
    except JournalError as exc:
        raise ChargeError("journal", f"the journal failed: {exc}", Exit.FAILED) from None
    finally:
        reg.close()


def _charge(
    reg: Register, loaded: LoadedSettings, amount: Money, code: str, args: argparse.Namespace,
    updates: queue.Queue[Sale | BaseException],
) -> int:
    """The sale goes to the same payment core as the POS API's; this prints what it answers and,
    while it runs, asks for the customer's step-up input the sale says it needs."""
    err = sys.stderr
    core = RegisterPaymentCore(reg, loaded)
    waiting = reg.unfinished()
    if waiting:
        print(f"resolving {len(waiting)} unfinished earlier sale(s) with the wallet first…", file=err)
    for sale in core.recover():
        print(f"recovered an earlier sale {sale.reference}: {describe(sale)}", file=err)
    # --reference is the sale: a charge repeating it is answered with the first one's result.
    ref = c.SaleRef(CLI, CLI_SALE, args.reference or f"cli-{secrets.token_hex(8)}")
    repeat = args.reference is not None and _known(core, ref)
    try:
        order = c.PaymentOrder(ref, amount, code=code, merchant_reference=args.reference)
        outcome = core.start_payment(order, wait=0)
    except c.PaymentCoreError as exc:
        status = Exit.USAGE if isinstance(exc, (c.NotAllowed, c.Busy)) else Exit.FAILED
        raise ChargeError(exc.code or _CORE_ERRORS[type(exc)], str(exc), status) from None
    del code, order
    if outcome.rejected is not None:
        message = outcome.message or outcome.rejected
        if repeat:
            message += f" (sale {args.reference} was refused so before any charge: use a new --reference)"
        raise ChargeError(outcome.rejected, message, Exit.USAGE)

    interrupted = {"count": 0}

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        interrupted["count"] += 1
        if interrupted["count"] > 1:
            raise KeyboardInterrupt
        print("\ncancelling…", file=err)
        reg.cancel()  # as the cashier's cancel: at the wallet when needed

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        if not outcome.final:
            _follow(reg, updates, args, err)
        outcome = core.status(ref)
    except KeyboardInterrupt:
        raise ChargeError("interrupted", "interrupted; the sale stays in the journal and is resolved on the "
                          "next run", Exit.INTERRUPTED) from None
    finally:
        signal.signal(signal.SIGINT, previous)
    if not outcome.final:
        raise ChargeError("register_failed", "the register ended the sale without a verdict", Exit.FAILED)
    if args.json:
        print(json.dumps(outcome_json(outcome), ensure_ascii=False))
    else:
        print(describe_outcome(outcome))
    return int(OUTCOME_EXIT[outcome.status])


def _known(core: RegisterPaymentCore, ref: c.SaleRef) -> bool:
    try:
        core.status(ref)
    except c.NotFound:
        return False
    return True


def _follow(
    reg: Register, updates: queue.Queue[Sale | BaseException], args: argparse.Namespace, err: TextIO,
) -> Sale:
    """Show progress until the sale is final; ask for step-up input when the sale needs it. It
    waits on the register's committed-state notifications (a short wake-up only to redraw the
    in-app countdown and to notice a failure of the register's own threads)."""
    asked: tuple[str | None, int] | None = None
    shown: SaleState | None = None
    interactive = sys.stdin.isatty() and not args.step_up_stdin
    sale = reg.sale
    while True:
        while not updates.empty():
            update = updates.get_nowait()
            if isinstance(update, BaseException):
                raise ChargeError("register_failed", f"the register failed: {update}")
        if sale.is_final:
            return sale
        if sale.state is not shown:
            shown = sale.state
            if not args.json:
                print(_progress(sale), file=err)
        step, method = sale.step_up, sale.needs_secret()
        if method is not None and step is not None and sale.accepts_secret():
            attempt = (sale.charge_id, step.attempts_left)
            if asked != attempt:
                asked = attempt
                secret = _ask(method, step.attempts_left, interactive, err)
                if secret is None:
                    print("payterm charge: the customer's step-up cannot be asked here; cancelling", file=err)
                    reg.cancel()
                else:
                    reg.step_up_input(secret)
        elif interactive and step is not None and sale.state is SaleState.STEP_UP:
            left = max(0, int(step.deadline - reg.now()))
            print(f"\rwaiting for the customer to confirm in the app… {left:3d} s ", end="", file=err)
        sale = reg.wait_change(sale, timeout=1.0)


def _ask(method: StepUpMethod, attempts_left: int, interactive: bool, err: TextIO) -> str | None:
    what = "PIN" if method is StepUpMethod.PIN else "one-time code from the customer's app"
    if interactive:
        prompt = f"Customer {what} ({attempts_left} tries left): "
        return getpass.getpass(prompt) if method is StepUpMethod.PIN else input(prompt)
    line = sys.stdin.readline()
    return line.strip() or None


def _progress(sale: Sale) -> str:
    return {
        SaleState.AUTHORIZING: "asking the wallet…",
        SaleState.STEP_UP: "the wallet asks the customer to confirm",
        SaleState.IN_DOUBT: f"no clear answer yet ({sale.note}); checking with the wallet…",
        SaleState.REVERSING: "cancelling at the wallet…",
    }.get(sale.state, sale.state.value)
