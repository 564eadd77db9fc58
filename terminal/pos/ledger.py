"""The ledger of POS messages that move money (Payment, Reversal): SaleID + ServiceID is unique,
and each row keeps the answer given, so that a POS that lost it gets the same answer again from
TransactionStatus, also after PayTerm restarted. Rows hold no payment code and no secret."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from terminal.pos.messages import dump_json, parse_json
from terminal.pos.store import PosStore


class DuplicateService(Exception):
    """This SaleID + ServiceID was used before."""


@dataclass(frozen=True)
class ServiceRow:
    sale_id: str
    service_id: str
    category: str
    key_identifier: str
    sale_transaction_id: str | None
    poi_transaction_id: str | None
    request: dict[str, Any]
    response: dict[str, Any] | None  # the whole SaleToPOIResponse given, once final


_COLUMNS = (
    "sale_id, service_id, category, key_identifier, sale_transaction_id, poi_transaction_id, "
    "request, response"
)


def _row(r: tuple[Any, ...] | None) -> ServiceRow | None:
    if r is None:
        return None
    return ServiceRow(
        str(r[0]),
        str(r[1]),
        str(r[2]),
        str(r[3]),
        r[4],
        r[5],
        json.loads(r[6] or "{}"),
        None if r[7] is None else parse_json(bytes(r[7])),
    )


class Ledger:
    def __init__(self, store: PosStore, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    def claim(
        self,
        sale_id: str,
        service_id: str,
        category: str,
        key_identifier: str,
        sale_transaction_id: str | None,
        request: dict[str, Any],
    ) -> None:
        """Record the request before acting on it; ``DuplicateService`` if the id was used."""

        def insert(conn: sqlite3.Connection) -> None:
            try:
                conn.execute(
                    f"INSERT INTO services ({_COLUMNS}, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, ?)",
                    (
                        sale_id,
                        service_id,
                        category,
                        key_identifier,
                        sale_transaction_id,
                        json.dumps(request),
                        self._clock(),
                    ),
                )
            except sqlite3.IntegrityError:
                raise DuplicateService(service_id) from None

        self._store.write(insert)

    def answer(
        self, sale_id: str, service_id: str, response: dict[str, Any], poi_transaction_id: str | None
    ) -> None:
        """Keep the final answer (the first one kept wins: an answer never changes).

        Not synced to disk on its own (one fsync less per request, the larger part of the API's
        own time): it survives a crash or kill of the process; a power cut before the next synced
        write may lose it, and then TransactionStatus rebuilds it from the payment core, whose
        journal is synced (``Handlers._resolve``), as for a request cut short. The claim before
        the core is asked stays synced."""
        self._store.write(
            lambda conn: conn.execute(
                "UPDATE services SET response = ?, poi_transaction_id = ? "
                "WHERE sale_id = ? AND service_id = ? AND response IS NULL",
                (dump_json(response), poi_transaction_id, sale_id, service_id),
            ),
            sync=False,
        )

    def find(self, sale_id: str, service_id: str, key_identifier: str) -> ServiceRow | None:
        """A row of this POS (another POS's rows are not visible to it)."""
        return _row(
            self._store.read(
                lambda conn: conn.execute(
                    f"SELECT {_COLUMNS} FROM services"
                    " WHERE sale_id = ? AND service_id = ? AND key_identifier = ?",
                    (sale_id, service_id, key_identifier),
                ).fetchone()
            )
        )

    def last_payment(self, sale_id: str, key_identifier: str) -> ServiceRow | None:
        return _row(
            self._store.read(
                lambda conn: conn.execute(
                    f"SELECT {_COLUMNS} FROM services"
                    " WHERE sale_id = ? AND key_identifier = ? AND category = 'Payment' "
                    "ORDER BY created_at DESC, rowid DESC LIMIT 1",
                    (sale_id, key_identifier),
                ).fetchone()
            )
        )
