"""`payterm backup DEST`, `payterm restore SRC` and `payterm migrate`: the journal's copies and its
schema upgrade, for IT and for the package's maintainer scripts.

Copies are made with SQLite's online backup API (``sqlite3.Connection.backup``): consistent
while the register runs and writes (WAL), unlike ``cp``, and without the ``sqlite3`` program.
Every copy is checked (``PRAGMA integrity_check``) and written 0600, then renamed into place.

- ``backup DEST``: the journal as it is now, to DEST (a file, or a directory for
  ``journal-<UTC time>.v<schema>.sqlite3``).
- ``restore SRC``: puts SRC back as the journal. The journal it replaces is first copied to
  ``journal.before-restore-<UTC time>.v<schema>.bak`` beside it, and the sales it has that SRC
  lacks are counted, so nothing is lost without being said. A copy made by a newer PayTerm (a
  higher schema than this program reads) is refused. Stop the window first
  (``systemctl stop payterm``).
- ``migrate``: brings the journal to this program's schema, after a backup to
  ``journal.v<old schema>.bak`` beside it. The package's postinst runs it as the user payterm, so
  an upgrade takes effect at once and can be rolled back. A journal newer than this program is
  left alone (exit 3, and what to do).

Afterwards the WAL is checkpointed into the main file, so that the schema version in the file's
header (which the package's preinst reads without SQLite) is the real one.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from terminal.config.paths import tighten_tree
from terminal.commands.common import CommandError, Exit, fail, settings
from terminal.journal.db import open_read_connection, open_write_connection
from terminal.journal.errors import JournalError
from terminal.journal.schema import LATEST_VERSION, user_version
from terminal.journal.store import Journal
from terminal.register.doctor import journal_version as schema_of


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    b = sub.add_parser("backup", help="copy the journal (SQLite online backup, safe while the register runs)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("dest", metavar="DEST",
                   help="file to write, or a directory to write into (made 0700 if DEST ends with /)")
    b.add_argument("--journal", type=Path, help="the journal file (default: journal.path from the config)")
    b.set_defaults(func=run_backup)

    r = sub.add_parser("restore", help="put a journal backup back (keeps a copy of the one it replaces)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("src", type=Path, metavar="SRC", help="a file made by `payterm backup` or `payterm migrate`")
    r.add_argument("--journal", type=Path, help="the journal file (default: journal.path from the config)")
    r.set_defaults(func=run_restore)

    m = sub.add_parser("migrate", help="bring the journal to this program's schema, after a backup",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("--journal", type=Path, help="the journal file (default: journal.path from the config)")
    m.add_argument("--check", action="store_true",
                   help="only print the journal's schema version (0: no journal yet), change nothing")
    m.set_defaults(func=run_migrate)


@dataclass(frozen=True)
class Copied:
    path: Path
    version: int  # the copy's schema version
    sales: int


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _journal_path(override: Path | None) -> Path:
    return override if override is not None else settings().settings.journal.path


def _check(conn: sqlite3.Connection, what: Path) -> tuple[int, int]:
    """(schema version, number of sales) of a sound journal; raises CommandError otherwise."""
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        version = user_version(conn)
        sales = int(conn.execute("SELECT count(*) FROM sales").fetchone()[0]) if version else 0
    except sqlite3.DatabaseError as exc:
        raise CommandError(f"{what} is not a PayTerm journal: {exc}", Exit.FAILED) from None
    if verdict != "ok":
        raise CommandError(f"{what} is damaged (SQLite integrity check: {verdict})", Exit.FAILED)
    return version, sales


def copy_journal(src: Path, dest: Path) -> Copied:
    """An online backup of ``src`` into a new file ``dest`` (0600), checked before it is renamed
    into place; an existing ``dest`` is never overwritten."""
    if dest.exists():
        raise CommandError(f"{dest} already exists: choose another name", Exit.USAGE)
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    try:
        source = open_read_connection(src, check_version=False)
    except JournalError as exc:
        raise CommandError(str(exc), Exit.FAILED) from None
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        target = sqlite3.connect(part, isolation_level=None)
        try:
            source.backup(target)
            version, sales = _check(target, src)
            # A stand-alone file: no -wal beside it to lose when it is copied elsewhere.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        with open(part, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return Copied(dest, version, sales)


def run_backup(args: argparse.Namespace) -> int:
    try:
        journal = _journal_path(args.journal)
        dest = Path(args.dest)
        if args.dest.endswith(("/", os.sep)):
            dest.mkdir(mode=0o700, parents=True, exist_ok=True)
        if dest.is_dir():
            with closing(open_read_connection(journal, check_version=False)) as conn:
                version = user_version(conn)
            dest = dest / f"journal-{_stamp()}.v{version}.sqlite3"
        copied = copy_journal(journal, dest)
    except JournalError as exc:
        return fail("backup", CommandError(str(exc), Exit.FAILED))
    except (CommandError, OSError) as exc:
        return fail("backup", exc if isinstance(exc, CommandError) else CommandError(str(exc)))
    print(f"journal backed up to {copied.path} (schema version {copied.version}, {copied.sales} sales)")
    return int(Exit.OK)


def _checkpoint(journal: Path) -> None:
    conn = open_write_connection(journal)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def run_restore(args: argparse.Namespace) -> int:
    try:
        journal = _journal_path(args.journal)
        src: Path = args.src
        if not src.is_file():
            raise CommandError(f"no backup at {src}", Exit.USAGE)
        with closing(open_read_connection(src, check_version=False)) as probe:
            version, sales = _check(probe, src)
        if version > LATEST_VERSION:
            raise CommandError(
                f"{src} has journal schema version {version}, newer than this program reads ({LATEST_VERSION}): "
                "restore it with the PayTerm version that made it", Exit.SETUP)
        kept: Copied | None = None
        missing = 0
        if journal.exists():
            with closing(open_read_connection(journal, check_version=False)) as conn:
                current = user_version(conn)
            kept = copy_journal(journal, journal.with_name(
                f"{journal.stem}.before-restore-{_stamp()}.v{current}.bak"))
            missing = _sales_missing_from(src, kept.path)
        journal.parent.mkdir(parents=True, exist_ok=True)
        source = open_read_connection(src, check_version=False)
        target = open_write_connection(journal)
        try:
            source.backup(target)
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            target.close()
            source.close()
        os.chmod(journal, 0o600)
    except JournalError as exc:
        return fail("restore", CommandError(str(exc), Exit.FAILED))
    except (CommandError, OSError) as exc:
        return fail("restore", exc if isinstance(exc, CommandError) else CommandError(str(exc)))
    print(f"journal restored from {src} (schema version {version}, {sales} sales)")
    if kept is not None:
        print(f"the journal it replaced is kept at {kept.path}")
        if missing:
            print(f"{missing} sales in the replaced journal are not in the restored one: check them against "
                  "the wallet's settlement (`payterm report`) before the register takes new sales")
    if version < LATEST_VERSION:
        print(f"this program reads schema version {LATEST_VERSION}: `payterm migrate` (or the next start) "
              "brings the journal up to it")
    return int(Exit.OK)


def _sales_missing_from(restored: Path, replaced: Path) -> int:
    """Sales (by idempotency key) of the replaced journal that the restored copy does not have."""
    conn = sqlite3.connect(replaced.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        conn.execute("ATTACH DATABASE ? AS restored", (restored.resolve().as_uri() + "?mode=ro",))
        return int(conn.execute(
            "SELECT count(*) FROM main.sales WHERE idempotency_key NOT IN "
            "(SELECT idempotency_key FROM restored.sales)").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0  # one of them has no sales table yet (schema 0): nothing to compare
    finally:
        conn.close()


def journal_version(journal: Path) -> int:
    """The schema version of ``journal`` as SQLite sees it (WAL included); 0 when there is none."""
    return schema_of(journal) if journal.exists() else 0


def backup_name(journal: Path, version: int) -> Path:
    """``journal.v<N>.bak`` beside the journal; if that exists (an earlier upgrade from the same
    schema), a time-stamped one: a backup is never overwritten."""
    plain = journal.with_name(f"{journal.stem}.v{version}.bak")
    return plain if not plain.exists() else journal.with_name(f"{plain.stem}.{_stamp()}.bak")


def run_migrate(args: argparse.Namespace) -> int:
    try:
        journal = _journal_path(args.journal)
        if args.check:
            print(journal_version(journal))
            return int(Exit.OK)
        if not journal.exists():
            print(f"no journal at {journal} yet: nothing to migrate (it is made at the first sale)")
            return int(Exit.OK)
        current = journal_version(journal)
        if current > LATEST_VERSION:
            before = journal.with_name(f"{journal.stem}.v{LATEST_VERSION}.bak")
            raise CommandError(
                f"the journal {journal} has schema version {current}, newer than this program "
                f"({LATEST_VERSION}): a newer PayTerm wrote it. Install that version again, or restore the "
                f"backup made before the upgrade (`payterm restore {before}`)", Exit.SETUP)
        if current == LATEST_VERSION:
            print(f"journal {journal} is at schema version {current}: nothing to do")
            return int(Exit.OK)
        copied = copy_journal(journal, backup_name(journal, current))
        with Journal(journal) as opened:
            reached = opened.migrated_to
        _checkpoint(journal)
        tighten_tree(journal.parent)  # an older install left files open to others (0644): 0700 / 0600 now
    except JournalError as exc:
        return fail("migrate", CommandError(str(exc), Exit.FAILED))
    except (CommandError, OSError) as exc:
        return fail("migrate", exc if isinstance(exc, CommandError) else CommandError(str(exc)))
    print(f"journal backed up to {copied.path}; migrated from schema version {current} to "
          f"{reached[-1] if reached else current}")
    return int(Exit.OK)
