"""The hash-chained audit log.

Each entry's hash is SHA-256 over the canonical JSON of
``[prev_hash, seq, at, actor, action, details]`` (``details`` itself canonical JSON: sorted keys,
no spaces, UTF-8). The first entry links to ``GENESIS``. The head (last seq and hash) is also
kept in the ``meta`` row ``audit_head``, updated in the same transaction, so that cutting off the
tail is detected too. Appends happen inside the caller's transaction: the entry commits or rolls
back together with the change it records.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime

from terminal.journal.records import (
    AuditEntry,
    BreakKind,
    ChainBreak,
    ChainVerification,
    to_db_time,
)
from terminal.journal.states import AuditAction

GENESIS = "0" * 64
JsonValue = str | int | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, details: str) -> str:
    payload = canonical_json([prev_hash, seq, at, actor, action, details]).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def read_head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if row is None:
        return None
    seq_text, _, head_hash = str(row[0]).partition(":")
    return int(seq_text), head_hash


def append(
    conn: sqlite3.Connection,
    at: datetime,
    actor: str,
    action: AuditAction,
    details: Mapping[str, JsonValue],
) -> AuditEntry:
    """Append one entry inside the caller's open transaction."""
    head = read_head(conn)
    seq, prev_hash = (1, GENESIS) if head is None else (head[0] + 1, head[1])
    at_text = to_db_time(at)
    details_text = canonical_json(dict(details))
    digest = entry_hash(prev_hash, seq, at_text, actor, action.value, details_text)
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
        (seq, at_text, actor, action.value, details_text, prev_hash, digest),
    )
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (f"{seq}:{digest}",),
    )
    return AuditEntry(seq, at_text, actor, action.value, details_text, prev_hash, digest)


def _check_link(
    conn: sqlite3.Connection, entry: AuditEntry, expected_seq: int, prev_hash: str
) -> ChainBreak | None:
    if entry.seq != expected_seq:
        return ChainBreak(
            expected_seq,
            BreakKind.DELETED,
            f"entries {expected_seq}..{entry.seq - 1} are missing (next entry is {entry.seq})",
        )
    if entry.prev_hash != prev_hash:
        other = conn.execute("SELECT seq FROM audit WHERE hash = ?", (entry.prev_hash,)).fetchone()
        if other is not None:
            return ChainBreak(
                entry.seq,
                BreakKind.REORDERED,
                f"entry {entry.seq} follows entry {other[0]}, not entry {entry.seq - 1}",
            )
        return ChainBreak(
            entry.seq,
            BreakKind.BAD_PREV_HASH,
            f"entry {entry.seq} links to a hash no entry has: entry {entry.seq - 1} was rewritten",
        )
    recomputed = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.actor, entry.action, entry.details)
    if recomputed != entry.hash:
        return ChainBreak(entry.seq, BreakKind.EDITED, f"entry {entry.seq} was changed after it was written")
    return None


def verify(conn: sqlite3.Connection) -> ChainVerification:
    """Walk the chain in seq order; report the first broken link, or the count if all hold."""
    expected_seq, prev_hash, count = 1, GENESIS, 0
    cursor = conn.execute("SELECT seq, at, actor, action, details, prev_hash, hash FROM audit ORDER BY seq")
    for row in cursor:
        entry = AuditEntry(*row)
        broken = _check_link(conn, entry, expected_seq, prev_hash)
        if broken is not None:
            return ChainVerification(count, None, broken)
        count += 1
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    head = read_head(conn)
    last_seq = expected_seq - 1
    if head is None:
        if count:
            return ChainVerification(
                count,
                None,
                ChainBreak(1, BreakKind.HEAD_MISMATCH, "the head row is missing but the log has entries"),
            )
        return ChainVerification(0, None, None)
    head_seq, head_hash = head
    if head_seq > last_seq:
        return ChainVerification(
            count,
            None,
            ChainBreak(
                last_seq + 1,
                BreakKind.TRUNCATED,
                f"entries {last_seq + 1}..{head_seq} were cut off the end of the log",
            ),
        )
    if head_seq < last_seq or head_hash != prev_hash:
        return ChainVerification(
            count,
            None,
            ChainBreak(
                last_seq,
                BreakKind.HEAD_MISMATCH,
                f"the last entry ({last_seq}) is not the one the head row names ({head_seq})",
            ),
        )
    return ChainVerification(count, prev_hash, None)
