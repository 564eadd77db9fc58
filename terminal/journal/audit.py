"""The keyed, hash-chained audit log.

Each entry's hash is SHA-256 over the canonical JSON of
``[prev_hash, seq, at, actor, action, details]`` (``details`` itself canonical JSON: sorted keys,
no spaces, UTF-8). The first entry links to ``GENESIS``. The head (last seq and hash) is also
kept in the ``meta`` row ``audit_head``, updated in the same transaction, so that cutting off the
tail is detected too. Appends happen inside the caller's transaction: the entry commits or rolls
back together with the change it records.

Since schema v6 every entry is also **signed with the register's device key** (``KeySigner``:
Ed25519 or ECDSA P-256, in the file key store or a PKCS#11 token) over its hash
(``entry_message``). SHA-256 alone can be recomputed by anyone who can write the file; the
signature needs the device key, which the register's user cannot read (issue 10, item 2). Entries
written before v6 (or before the register had a device key) stay checkable as a plain chain and
are reported as "unsigned, before the keyed chain". Once one entry is signed, every later one must
be; and when the verifier has the device key, a log with entries but no signed one is a break
(stripping every signature is how a recomputed log would try to pass). A ``Journal`` opened with
a signer on such a log appends a signed ``audit.keyed`` entry first, so that a real register's log
is never all unsigned.

Verification (``verify``) also checks that the rows the log describes agree with their latest
entry (``terminal.journal.rowcheck``) and the wallet's receipt for the latest anchored head
(``terminal.journal.anchor``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime

from terminal.crypto.anchor import audit_entry_message, key_rotation_message
from terminal.crypto.keys import Alg, KeySigner, VerifyKey, public_key_b64, public_key_from_b64
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


def entry_message(digest: str) -> bytes:
    """What the device key signs for an entry: a domain tag and the entry's chained hash (which
    covers its seq, its contents and everything before it)."""
    return audit_entry_message(digest)


def sign_entry(signer: KeySigner, digest: str) -> str:
    return base64.b64encode(signer.sign(entry_message(digest))).decode("ascii")


def signature_valid(key: VerifyKey, digest: str, signature: str | None) -> bool:
    if not signature:
        return False
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    return key.verify(raw, entry_message(digest))


def read_head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if row is None:
        return None
    seq_text, _, head_hash = str(row[0]).partition(":")
    return int(seq_text), head_hash


def has_signature_column(conn: sqlite3.Connection) -> bool:
    return any(r[1] == "signature" for r in conn.execute("PRAGMA table_info(audit)"))


def has_signed_entry(conn: sqlite3.Connection) -> bool:
    if not has_signature_column(conn):
        return False
    return conn.execute("SELECT 1 FROM audit WHERE signature IS NOT NULL LIMIT 1").fetchone() is not None


def append(
    conn: sqlite3.Connection,
    at: datetime,
    actor: str,
    action: AuditAction,
    details: Mapping[str, JsonValue],
    signer: KeySigner | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's open transaction, signed when a signer is given."""
    head = read_head(conn)
    seq, prev_hash = (1, GENESIS) if head is None else (head[0] + 1, head[1])
    at_text = to_db_time(at)
    details_text = canonical_json(dict(details))
    digest = entry_hash(prev_hash, seq, at_text, actor, action.value, details_text)
    signature = None if signer is None else sign_entry(signer, digest)
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, details, prev_hash, hash, signature) "
        "VALUES (?,?,?,?,?,?,?,?)",
        (seq, at_text, actor, action.value, details_text, prev_hash, digest, signature),
    )
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (f"{seq}:{digest}",),
    )
    return AuditEntry(seq, at_text, actor, action.value, details_text, prev_hash, digest, signature)


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


def _check_key(entry: AuditEntry, first_signed: int | None, key: VerifyKey | None) -> ChainBreak | None:
    if entry.signature is None:
        if first_signed is not None:
            return ChainBreak(entry.seq, BreakKind.UNSIGNED,
                              f"entry {entry.seq} has no signature, but every entry after the first "
                              f"signed one ({first_signed}) must have one")
        return None
    if key is not None and not signature_valid(key, entry.hash, entry.signature):
        return ChainBreak(entry.seq, BreakKind.BAD_SIGNATURE,
                          f"entry {entry.seq} is not signed by this register's device key: "
                          "it was rewritten or recomputed")
    return None


def rotation_details(old: KeySigner, new: KeySigner, prev_hash: str) -> dict[str, JsonValue]:
    old_b64, new_b64 = public_key_b64(old.public_key_bytes()), public_key_b64(new.public_key_bytes())
    proof = base64.b64encode(new.sign(key_rotation_message(prev_hash, old_b64, new_b64))).decode("ascii")
    return {"old_alg": old.alg.value, "old_public_key": old_b64, "new_alg": new.alg.value,
            "new_public_key": new_b64, "new_key_proof": proof}


def append_key_rotation(conn: sqlite3.Connection, at: datetime, actor: str, old: KeySigner,
                        new: KeySigner) -> AuditEntry:
    """The hand-over from ``old`` to ``new``: an entry signed by the old key whose details carry
    the new key's signature over the previous hash and both public keys."""
    head = read_head(conn)
    prev_hash = GENESIS if head is None else head[1]
    return append(conn, at, actor, AuditAction.AUDIT_KEY_ROTATED, rotation_details(old, new, prev_hash), old)


def _key_schedule(conn: sqlite3.Connection, current: VerifyKey) -> tuple[list[tuple[int, VerifyKey]], ChainBreak | None]:
    """[(last seq signed by key, key)] from the key rotations, oldest first, ending before the
    current key; each rotation must hand over to the key after it and carry that key's proof."""
    rows = conn.execute("SELECT seq, prev_hash, details FROM audit WHERE action = ? ORDER BY seq DESC",
                        (AuditAction.AUDIT_KEY_ROTATED.value,)).fetchall()
    schedule: list[tuple[int, VerifyKey]] = []
    after = current
    for seq, prev_hash, details in rows:
        try:
            d = json.loads(details)
            new = VerifyKey(Alg(d["new_alg"]), public_key_from_b64(d["new_public_key"]))
            old = VerifyKey(Alg(d["old_alg"]), public_key_from_b64(d["old_public_key"]))
            proof = base64.b64decode(d["new_key_proof"], validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error):
            return [], ChainBreak(seq, BreakKind.BAD_SIGNATURE, f"entry {seq}: a key rotation that cannot be read")
        message = key_rotation_message(prev_hash, d["old_public_key"], d["new_public_key"])
        if new != after or not after.verify(proof, message):
            return [], ChainBreak(seq, BreakKind.BAD_SIGNATURE,
                                  f"entry {seq}: a key rotation that the following device key did not sign")
        schedule.append((seq, old))
        after = old
    schedule.reverse()
    return schedule, None


def _key_at(schedule: list[tuple[int, VerifyKey]], current: VerifyKey, seq: int) -> VerifyKey:
    for last, key in schedule:
        if seq <= last:
            return key
    return current


def _select_entries(conn: sqlite3.Connection) -> sqlite3.Cursor:
    signature = "signature" if has_signature_column(conn) else "NULL"
    return conn.execute(
        f"SELECT seq, at, actor, action, details, prev_hash, hash, {signature} FROM audit ORDER BY seq"  # noqa: S608
    )


def verify(conn: sqlite3.Connection, key: VerifyKey | None = None) -> ChainVerification:
    """Walk the chain in seq order, checking every link and (with ``key``, the device's public key)
    every signature; report the first break, or the count if all hold. Without a key the
    signatures are not checked (``signatures_checked`` is False): only the chain is."""
    expected_seq, prev_hash, count = 1, GENESIS, 0
    first_signed: int | None = None
    unsigned_before = 0
    schedule: list[tuple[int, VerifyKey]] = []
    if key is not None:
        schedule, broken = _key_schedule(conn, key)
        if broken is not None:
            return ChainVerification(0, None, broken)
    for row in _select_entries(conn):
        entry = AuditEntry(*row)
        entry_key = None if key is None else _key_at(schedule, key, entry.seq)
        broken = _check_link(conn, entry, expected_seq, prev_hash) or _check_key(entry, first_signed, entry_key)
        if broken is not None:
            return ChainVerification(count, None, broken, unsigned_before=unsigned_before)
        if entry.signature is None:
            unsigned_before += 1
        elif first_signed is None:
            first_signed = entry.seq
        count += 1
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    if key is not None and count and first_signed is None:
        return ChainVerification(count, None, ChainBreak(
            count, BreakKind.UNSIGNED,
            f"none of the {count} entries is signed, but this register has a device key: the signatures "
            "were stripped (a register signs from its first start with a key on)"), unsigned_before=unsigned_before)
    checked = key is not None or first_signed is None
    head = read_head(conn)
    last_seq = expected_seq - 1
    if head is None:
        if count:
            return ChainVerification(
                count,
                None,
                ChainBreak(1, BreakKind.HEAD_MISMATCH, "the head row is missing but the log has entries"),
                unsigned_before=unsigned_before,
            )
        return ChainVerification(0, None, None, signatures_checked=checked)
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
            unsigned_before=unsigned_before,
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
            unsigned_before=unsigned_before,
        )
    return ChainVerification(count, prev_hash, None, unsigned_before=unsigned_before, signatures_checked=checked)
