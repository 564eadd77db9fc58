"""`payterm receipt`: print a sale's receipt (or save it as PDF/PNG), or reprint the last one;
`--slips` prints the refund and void slips of a sale instead.

With no printer set (printer.kind = none) the copies are saved as PDF files under the data
directory's receipts/ folder, and their paths printed. A reprint says on paper and here which
sale it reprints (REPRINT / 再発行, the sale's reference and time).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from terminal.commands.common import CommandError, Exit, settings
from terminal.config import ConfigError, configured_journal_path
from terminal.journal import JournalError, Reader
from terminal.config.loader import LoadedSettings
from terminal.journal.records import SaleRecord
from terminal.journal.states import OperationKind, OperationState
from terminal.receipts import (
    Issued,
    JapaneseMode,
    ReceiptCopy,
    ReceiptError,
    SaleValues,
    StoreInfo,
    issue_receipts,
    last_final_sale,
    receipt_pdf,
    receipt_png,
    render_receipt,
    sale_by_reference,
)
from terminal.register.enrollment import NotEnrolled
from terminal.register.setup import load_enrollment, store_info


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("receipt", help="print or save a sale's receipt; reprint the last one",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--reference", help="the sale's merchant reference")
    which.add_argument("--reprint-last", action="store_true", help="the newest finished sale, marked REPRINT")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--pdf", type=Path, metavar="FILE", help="save as PDF instead of printing")
    out.add_argument("--png", type=Path, metavar="FILE", help="save as PNG instead of printing")
    p.add_argument("--copy", type=ReceiptCopy, choices=list(ReceiptCopy),
                   help="only this copy (default: the copies printer.customer_copy asks for; "
                        "customer for --pdf/--png)")
    p.add_argument("--reprint", action="store_true", help="mark the receipt as a reprint")
    p.add_argument("--slips", action="store_true",
                   help="the sale's refund and void slips (each one that succeeded) instead of its receipt")
    p.add_argument("--kanji", action="store_true",
                   help="Japanese as Shift_JIS text in Kanji mode (Japanese-model printers) instead of pictures "
                        "(default: printer.japanese)")
    p.add_argument("--journal", type=Path, help="journal file (default: journal.path from the config)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        loaded = settings()
        try:
            enrollment = load_enrollment(loaded)
        except NotEnrolled as exc:
            raise CommandError(str(exc), Exit.SETUP) from None
        reader = Reader(configured_journal_path(args.journal))
        sale = last_final_sale(reader) if args.reprint_last else sale_by_reference(reader, args.reference)
        cfg = loaded.settings
        store = store_info(cfg, enrollment)
        reprint = args.reprint or args.reprint_last
        target: Path | None = args.pdf or args.png
        if args.slips:
            if target is not None:
                raise CommandError("--slips prints, or saves PDFs in the receipts folder: no --pdf/--png", Exit.USAGE)
            return _slips(reader, sale, store, loaded, reprint)
        if reprint:
            zone = ZoneInfo(store.timezone)
            print(f"REPRINT of sale {sale.merchant_reference} ({sale.created_at.astimezone(zone):%Y-%m-%d %H:%M})")
        if target is not None:
            receipt = render_receipt(sale, args.copy or ReceiptCopy.CUSTOMER, store,
                                     language=cfg.register.language, reprint=reprint)
            save = receipt_pdf if args.pdf else receipt_png
            print(f"saved {receipt.copy.value} copy: {save(receipt, target, cfg.printer.width_chars)}")
            return int(Exit.OK)
        issued = issue_receipts(sale, store, cfg.printer, pdf_dir=loaded.paths.data_dir / "receipts",
                                language=cfg.register.language, reprint=reprint, only=args.copy,
                                mode=JapaneseMode.KANJI if args.kanji else JapaneseMode(cfg.printer.japanese.value))
    except CommandError as exc:
        print(f"payterm receipt: {exc}", file=sys.stderr)
        return int(exc.status)
    except (ConfigError, JournalError, ReceiptError) as exc:
        print(f"payterm receipt: {exc}", file=sys.stderr)
        return int(Exit.FAILED)
    _report(issued)
    return int(Exit.OK)


def _report(issued: list[Issued]) -> None:
    for item in issued:
        print(f"printed {item.copy.value} copy" if item.printed else f"saved {item.copy.value} copy: {item.path}")


def _slips(reader: Reader, sale: SaleRecord, store: StoreInfo, loaded: LoadedSettings, reprint: bool) -> int:
    cfg = loaded.settings
    done = [op for op in reader.operations_for_sale(sale.idempotency_key)
            if op.state is OperationState.SUCCEEDED and op.kind is not OperationKind.REVERSAL]
    if not done:
        raise CommandError(f"sale {sale.merchant_reference} has no refund or void: no slip", Exit.FAILED)
    for op in done:
        print(f"{op.kind.value} slip of sale {sale.merchant_reference}: {op.money.format()}"
              + (" (REPRINT)" if reprint else ""))
        _report(issue_receipts(SaleValues.for_operation(sale, op), store, cfg.printer,
                               pdf_dir=loaded.paths.data_dir / "receipts", language=cfg.register.language,
                               reprint=reprint, mode=JapaneseMode(cfg.printer.japanese.value)))
    return int(Exit.OK)
