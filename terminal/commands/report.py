"""`payterm report`: the day's totals from the journal beside the wallet's settlement, matched
charge by charge. Exit 0 when both agree, 1 with the differences listed.

The day is the store's business day (the store's time zone from enrollment), as the wallet
counts it.

`payterm report --close` closes the business day (the Z close): the next Z number, the day's
figures frozen in the journal, and every later sale belonging to the next close. Closing the day is a
manager's action, as on the window's end-of-day screen: the manager PIN is asked at the terminal
(or read from stdin with `--manager-pin-stdin`) and checked by the wallet first. A day already
closed is refused (exit 4). `payterm report --z N` (or `--z last`) shows a close again exactly as
frozen; `payterm report --closes` lists them.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from terminal.commands.common import CommandError, Exit, fail, settings
from terminal.commands.ops import read_manager_pin
from terminal.commands.zreport_text import close_as_json, close_as_text
from terminal.domain.money import format_signed
from terminal.crypto.keystore import KeyStoreError
from terminal.journal.errors import JournalError
from terminal.journal.queries import Reader
from terminal.register.enrollment import NotEnrolled
from terminal.register.day_close import DayCloser, DayCloseRefused
from terminal.register.manager_pin import ManagerPin
from terminal.register.reconcile import Reconciliation, gather
from terminal.register.setup import load_enrollment, open_journal, open_keys, wallet_client
from terminal.wallet.errors import WalletError

DIFFERENT = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="reconcile a day's journal with the wallet's settlement",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD, store-local (default: today)")
    p.add_argument("--json", action="store_true", help="print the reconciliation (or the close) as JSON")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--close", action="store_true",
                      help="close the business day (--date, default today): Z number, figures frozen")
    what.add_argument("--z", metavar="N", help="show the Z close number N (or 'last') exactly as frozen")
    what.add_argument("--closes", action="store_true", help="list the Z closes, newest first")
    p.add_argument("--manager-pin-stdin", action="store_true",
                   help="--close: read the manager PIN from stdin (otherwise it is asked at the terminal)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.close or args.z or args.closes:
        return _closes(args)
    try:
        loaded = settings()
        enrollment = load_enrollment(loaded)
        store = open_keys(loaded.settings)
        day = args.date or datetime.now(ZoneInfo(enrollment.timezone)).date()
        with wallet_client(loaded.settings, enrollment, store) as client:
            result = gather(Reader(loaded.settings.journal.path), client, day, enrollment.timezone)
    except NotEnrolled as exc:
        return fail("report", CommandError(str(exc), Exit.SETUP))
    except KeyStoreError as exc:
        return fail("report", CommandError(f"cannot use the device key: {exc}", Exit.SETUP))
    except JournalError as exc:
        return fail("report", CommandError(f"cannot read the journal: {exc}", Exit.FAILED))
    except (CommandError, WalletError) as exc:
        return fail("report", exc)
    print(json.dumps(as_json(result), ensure_ascii=False) if args.json else as_text(result))
    return int(Exit.OK) if result.agree else DIFFERENT


def as_json(result: Reconciliation) -> dict[str, object]:
    data = asdict(result)
    data["day"] = result.day.isoformat()
    data["agree"] = result.agree
    data["differences"] = [{**asdict(d), "kind": d.kind.value} for d in result.differences]
    return data


def _money(amount: int, currency: str, count: int | None = None) -> str:
    """"¥2,000", "-¥300", or with a count "2: ¥2,000"."""
    shown = format_signed(amount, currency)
    return shown if count is None else f"{count}: {shown}"


def as_text(result: Reconciliation) -> str:
    lines = [f"report for {result.day.isoformat()} ({result.timezone}): "
             f"{result.journal_sales} sales in the journal, {result.wallet_charges} charges at the wallet"]
    lines.append(f"{'':13}{'journal':>18}{'wallet':>18}")
    for t in result.totals:
        c = t.currency
        for label, ours, theirs in (
            ("approved", _money(t.journal_approved_amount, c, t.journal_approved_count),
             _money(t.wallet_approved_amount, c, t.wallet_approved_count)),
            ("refunded", _money(t.journal_refunded_amount, c, t.journal_refunded_count),
             _money(t.wallet_refunded_amount, c, t.wallet_refunded_count)),
            ("net", _money(t.journal_net, c), _money(t.wallet_net, c)),
        ):
            lines.append(f"{t.currency} {label:<9}{ours:>18}{theirs:>18}")
    if result.agree:
        lines.append("journal and wallet agree")
    else:
        lines.append(f"{len(result.differences)} difference(s):")
        for d in result.differences:
            where = " ".join(x for x in (d.reference, d.charge_id) if x)
            lines.append(f"  {d.kind.value:<19} {where + ': ' if where else ''}{d.message}")
    return "\n".join(lines)


def _closes(args: argparse.Namespace) -> int:
    try:
        loaded = settings()
        enrollment = load_enrollment(loaded)
        if args.close:
            pin = read_manager_pin(args.manager_pin_stdin)
            store = open_keys(loaded.settings)
            with open_journal(loaded.settings) as journal, \
                    wallet_client(loaded.settings, enrollment, store) as client:
                check = ManagerPin(journal, client, enrollment.pin_key).check(pin, actor="cli:report")
                del pin
                if not check.ok:
                    raise CommandError(f"{check.refusal()}: the day was not closed",
                                       Exit.SETUP if check.needs_it else Exit.USAGE)
                closed = DayCloser(journal, enrollment.timezone, actor="manager", client=client).close(args.date)
            print(json.dumps(close_as_json(closed), ensure_ascii=False) if args.json else close_as_text(closed))
            return int(Exit.OK)
        reader = Reader(loaded.settings.journal.path)
        if args.closes:
            found = reader.day_closes()
            if args.json:
                print(json.dumps([close_as_json(c) for c in found], ensure_ascii=False))
            else:
                print("\n".join(f"Z {c.z_number:>5}  {c.business_day.isoformat()}  {c.sale_count} sale(s)"
                                for c in found) or "no day has been closed yet")
            return int(Exit.OK)
        wanted = reader.day_closes(1) if args.z == "last" else (
            [c] if args.z.isdigit() and (c := reader.day_close(int(args.z))) is not None else [])
        if not wanted:
            raise CommandError(f"no Z close {args.z}", Exit.USAGE if not args.z.isdigit() and args.z != "last"
                               else Exit.FAILED)
        print(json.dumps(close_as_json(wanted[0]), ensure_ascii=False) if args.json else close_as_text(wanted[0]))
        return int(Exit.OK)
    except NotEnrolled as exc:
        return fail("report", CommandError(str(exc), Exit.SETUP))
    except KeyStoreError as exc:
        return fail("report", CommandError(f"cannot use the device key: {exc}", Exit.SETUP))
    except DayCloseRefused as exc:
        last = exc.last
        said = f" (Z {last.z_number} closed {last.business_day.isoformat()})" if last is not None else ""
        return fail("report", CommandError(f"cannot close the day: {exc}{said}", Exit.FAILED))
    except JournalError as exc:
        return fail("report", CommandError(f"cannot use the journal: {exc}", Exit.FAILED))
    except (CommandError, WalletError) as exc:
        return fail("report", exc)
