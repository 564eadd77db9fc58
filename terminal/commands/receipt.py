"""`payterm receipt`: print a sale's receipt (or save it as PDF/PNG), or reprint the last one.

With no printer set (printer.kind = none) the copies are saved as PDF files under the data
directory's receipts/ folder, and their paths printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from terminal.commands.common import CommandError, Exit, settings
from terminal.config import ConfigError, configured_journal_path
from terminal.journal import JournalError, Reader
from terminal.receipts import (
    JapaneseMode,
    ReceiptCopy,
    ReceiptError,
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
    for item in issued:
        print(f"printed {item.copy.value} copy" if item.printed else f"saved {item.copy.value} copy: {item.path}")
    return int(Exit.OK)
