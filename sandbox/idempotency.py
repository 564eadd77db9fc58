"""Idempotency records: the first response to (device, scope, key) is stored and replayed.

The request is compared by a hash of its validated content (canonical JSON), so the same
request sent with different whitespace or key order is still "the same body".
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

from pydantic import BaseModel

from sandbox.errors import Conflict
from terminal.wallet.messages import ProblemCode


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: bytes


def request_hash(request: BaseModel) -> str:
    """The request's identity. A manager's authorization is not part of it: a resend of the same
    refund (with the same key) is the same request whether or not it carries the PIN again."""
    canonical = json.dumps(request.model_dump(mode="json", exclude={"manager_authorization"}),
                           sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(conn: sqlite3.Connection, device_id: str, scope: str, key: str, digest: str) -> StoredResponse | None:
    """The stored response for a repeated key (HTTP 200), or None for a new key."""
    row = conn.execute(
        "SELECT request_hash, status, body FROM idempotency WHERE device_id = ? AND scope = ? AND key = ?",
        (device_id, scope, key),
    ).fetchone()
    if row is None:
        return None
    if row["request_hash"] != digest:
        raise Conflict(
            ProblemCode.IDEMPOTENCY_CONFLICT,
            "Idempotency-Key was already used with a different request body",
            f"the key {key!r} belongs to an earlier, different request; use a new key for a new request",
        )
    # A success is replayed as 200; a refusal remembered under the key (the manager's authorization
    # refused) is replayed as it was, so a late copy of the request meets the same answer.
    return StoredResponse(200 if row["status"] < 300 else row["status"], bytes(row["body"]))


def remember(conn: sqlite3.Connection, device_id: str, scope: str, key: str, digest: str,
             response: StoredResponse, now: int) -> None:
    conn.execute(
        "INSERT INTO idempotency(device_id, scope, key, request_hash, status, body, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (device_id, scope, key, digest, response.status, response.body, now),
    )
