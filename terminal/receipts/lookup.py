"""Finding the sale to (re)print in the journal. Light on purpose (no drawing or printer
library): the register's process uses it, the worker process draws."""

from __future__ import annotations

from terminal.journal.queries import Reader
from terminal.journal.records import HistoryQuery, SaleRecord
from terminal.receipts.errors import NoReceiptForSale

LAST_SALE_WINDOW = 50  # newest sales looked at for the last final one


def sale_by_reference(reader: Reader, reference: str) -> SaleRecord:
    found = reader.history(HistoryQuery(reference=reference, limit=1))
    if not found:
        raise NoReceiptForSale(f"no sale with reference {reference!r} in the journal")
    return found[0]


def last_final_sale(reader: Reader) -> SaleRecord:
    """The newest sale that is final: the one "reprint last receipt" means."""
    for sale in reader.history(HistoryQuery(limit=LAST_SALE_WINDOW)):
        if sale.state.is_final:
            return sale
    raise NoReceiptForSale("no finished sale in the journal yet: nothing to reprint")
