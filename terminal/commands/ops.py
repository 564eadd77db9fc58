"""`payterm cancel` (void a same-day approved sale) and `payterm refund` (give back all or part
of an approved sale). Each is committed to the journal before it is sent; a request whose answer
was lost is finished by the next `payterm recover`, `cancel`, `refund` or register start.
Running `cancel` again for a sale already voided sends nothing and reports the void.

Both need the store manager: the manager PIN is asked on the terminal, or read from stdin with
--manager-pin-stdin (never from the command line). It is sealed for this one refund or void and
checked by the wallet, which refuses the money movement when it is wrong (five wrong PINs lock
manager actions at the wallet).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from terminal.commands.amount_arg import minor_units
from terminal.commands.common import CommandError, Exit, fail, open_the_register, settings
from terminal.domain.money import Money, MoneyError
from terminal.journal.errors import JournalError
from terminal.journal.states import OperationKind, OperationState
from terminal.register.operations import (
    NotAllowed, OperationError, OperationResult, Operations, SaleSelector, find_sale,
)
from terminal.receipts.errors import ReceiptError
from terminal.register.register import Register
from terminal.wallet.errors import WalletError


def _sale_options(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--reference", help="the sale's merchant reference")
    which.add_argument("--key", help="the sale's idempotency key (from `payterm history --json`)")
    which.add_argument("--charge-id", help="the wallet's charge id (ch_…)")
    p.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
    p.add_argument("--manager-pin-stdin", action="store_true",
                   help="read the manager PIN from stdin (otherwise it is asked on the terminal)")
    p.add_argument("--slip", action="store_true",
                   help="issue the customer's slip once done (printer, or PDF in the data directory)")


SLIP_WAIT = 30.0  # seconds for the slip to be drawn and printed


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("cancel", help="void an approved sale of today at the wallet",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    _sale_options(c)
    c.set_defaults(func=run_cancel)

    r = sub.add_parser("refund", help="refund all or part of an approved sale",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    _sale_options(r)
    r.add_argument("--amount", type=minor_units, help="minor units to give back (default: all that is left)")
    r.add_argument("--reason", default="", help="why (kept in the journal, sent to the wallet)")
    r.set_defaults(func=run_refund)


def result_json(result: OperationResult, left: Money) -> dict[str, object]:
    op, sale = result.operation, result.sale
    return {
        "kind": op.kind.value, "status": op.state.value, "repeated": result.repeated,
        "amount": op.amount, "currency": op.currency, "idempotency_key": op.idempotency_key,
        "wallet_ref": op.wallet_ref, "error": None if op.error_code is None
        else {"code": op.error_code, "message": op.error_message},
        "sale": {"reference": sale.merchant_reference, "idempotency_key": sale.idempotency_key,
                 "charge_id": sale.charge_id, "amount": sale.amount, "currency": sale.currency},
        "left_to_refund": left.amount,
    }


def describe(result: OperationResult, left: Money) -> str:
    op, sale = result.operation, result.sale
    what = "VOIDED" if op.kind is OperationKind.VOID else "REFUNDED"
    ref = sale.merchant_reference
    if op.state is OperationState.SUCCEEDED:
        again = " (already done earlier: nothing sent)" if result.repeated else ""
        return f"{what} {op.money.format()} of sale {ref}{again}; left on the sale: {left.format()}"
    if op.state is OperationState.FAILED:
        return f"NOT {what} {op.money.format()} of sale {ref}: {op.error_message or op.error_code}"
    return (f"UNKNOWN whether {op.money.format()} of sale {ref} was given back (no clear answer from the "
            "wallet); it is asked again with the same key by `payterm recover` or the next start")


def read_manager_pin(from_stdin: bool) -> str:
    """The manager's PIN for one refund or void: stdin, or asked (echo off) on the terminal."""
    if from_stdin:
        pin = sys.stdin.readline().strip()
    elif sys.stdin.isatty():
        pin = getpass.getpass("manager PIN: ")
    else:
        raise CommandError("the manager PIN is needed: run this at a terminal, or pass it on stdin "
                           "with --manager-pin-stdin", Exit.USAGE)
    if not pin:
        raise CommandError("no manager PIN given: nothing was sent", Exit.USAGE)
    return pin


def _run(command: str, args: argparse.Namespace, refund: bool) -> int:
    try:
        loaded = settings()
        reg = open_the_register(loaded, receipts=args.slip)
    except CommandError as exc:
        return fail(command, exc)
    try:
        return _operate(reg, command, args, refund)
    except OperationError as exc:
        return fail(command, CommandError(str(exc), Exit.USAGE))
    except CommandError as exc:
        return fail(command, exc)
    except (WalletError, JournalError) as exc:
        return fail(command, CommandError(str(exc), Exit.FAILED))
    finally:
        reg.close()


def _operate(reg: Register, command: str, args: argparse.Namespace, refund: bool) -> int:
    for earlier in reg.operations.resume():
        print(f"earlier {earlier.operation.kind.value} {earlier.operation.idempotency_key}: "
              f"{earlier.state.value}", file=sys.stderr)
    ops = Operations(reg.journal, reg.client, timezone=reg.enrollment.timezone, actor=f"cli:{command}",
                     manager=reg.manager_pin())
    selector = SaleSelector(reference=args.reference, key=args.key, charge_id=args.charge_id)
    sale = find_sale(reg.journal, reg.client, selector)
    pin = read_manager_pin(args.manager_pin_stdin)
    if refund:
        amount = None
        if args.amount is not None:
            try:
                amount = Money(args.amount, sale.currency)  # minor units of the sale's own currency
            except MoneyError as exc:
                raise NotAllowed(f"bad amount: {exc}") from None
        result = ops.refund(sale, amount, args.reason, manager_pin=pin)
    else:
        result = ops.void(sale, manager_pin=pin)
    del pin
    left = ops.left_to_refund(sale)
    slips = _slips(reg, result) if args.slip else []
    if args.json:
        print(json.dumps({**result_json(result, left), "slips": slips}, ensure_ascii=False))
    else:
        print(describe(result, left))
        for slip in slips:
            print(f"slip: {slip}")
    # Refused by the wallet and outcome unknown are both "failed" here; the text says which.
    return int(Exit.OK if result.state is OperationState.SUCCEEDED else Exit.FAILED)


def _slips(reg: Register, result: OperationResult) -> list[str]:
    """The slip of a refund or void that went through: printed, or the PDF files written."""
    if reg.receipts is None or result.state is not OperationState.SUCCEEDED or result.repeated:
        return []
    try:
        issued = reg.receipts.issue_slip(result.operation.idempotency_key).result(timeout=SLIP_WAIT)
    except (ReceiptError, TimeoutError) as exc:
        print(f"no slip: {exc}", file=sys.stderr)
        return []
    return [str(i.path) if i.path is not None else f"printed ({i.copy.value})" for i in issued]


def run_cancel(args: argparse.Namespace) -> int:
    return _run("cancel", args, refund=False)


def run_refund(args: argparse.Namespace) -> int:
    return _run("refund", args, refund=True)
