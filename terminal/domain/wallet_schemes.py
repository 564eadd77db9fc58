"""Wallet schemes: who issued a payment code, from the data in config/wallets.toml.

Parsing takes the file's text (reading the file is the caller's I/O) so that the rules stay pure
and testable. A malformed file is a start-up error with a message naming the offending entry.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from enum import Enum


class SchemeKind(Enum):
    NUMERIC = "numeric"
    EMV = "emv"


class WalletSchemeError(ValueError):
    """config/wallets.toml is malformed."""


@dataclass(frozen=True)
class WalletScheme:
    id: str
    name: str
    kind: SchemeKind
    prefixes: tuple[str, ...] = ()
    min_length: int = 0
    max_length: int = 0
    aids: tuple[str, ...] = ()  # upper-case hex prefixes
    accepted_by_default: bool = False
    verified: bool = False
    source: str = ""

    def matches_number(self, digits: str) -> str | None:
        """The longest prefix of this scheme that `digits` starts with, if the length fits too."""
        if self.kind is not SchemeKind.NUMERIC or not self.min_length <= len(digits) <= self.max_length:
            return None
        hits = [p for p in self.prefixes if digits.startswith(p)]
        return max(hits, key=len) if hits else None

    def claims_prefix(self, digits: str) -> bool:
        """Starts with one of our prefixes, whatever the length (to spot truncated reads)."""
        return self.kind is SchemeKind.NUMERIC and any(digits.startswith(p) for p in self.prefixes)

    def matches_aid(self, aid_hex: str) -> bool:
        return self.kind is SchemeKind.EMV and any(aid_hex.startswith(a) for a in self.aids)


@dataclass(frozen=True)
class WalletSchemes:
    schemes: tuple[WalletScheme, ...]

    def by_id(self, scheme_id: str) -> WalletScheme:
        for s in self.schemes:
            if s.id == scheme_id:
                return s
        raise KeyError(scheme_id)

    def default_accepted(self) -> frozenset[str]:
        return frozenset(s.id for s in self.schemes if s.accepted_by_default)

    @classmethod
    def from_toml(cls, text: str) -> WalletSchemes:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise WalletSchemeError(f"wallets.toml is not valid TOML: {exc}") from exc
        entries = data.get("scheme")
        if not isinstance(entries, list) or not entries:
            raise WalletSchemeError("wallets.toml has no [[scheme]] entries")
        schemes = tuple(_scheme(i, e) for i, e in enumerate(entries))
        ids = [s.id for s in schemes]
        if len(set(ids)) != len(ids):
            raise WalletSchemeError("wallets.toml: scheme ids must be unique")
        return cls(schemes)


def _scheme(index: int, entry: object) -> WalletScheme:
    if not isinstance(entry, dict):
        raise WalletSchemeError(f"wallets.toml scheme #{index + 1} is not a table")
    where = f"wallets.toml scheme {entry.get('id', '#' + str(index + 1))!r}"
    try:
        kind = SchemeKind(entry["kind"])
        scheme_id = str(entry["id"])
        name = str(entry["name"])
    except (KeyError, ValueError) as exc:
        raise WalletSchemeError(f"{where}: needs id, name and kind numeric|emv") from exc
    base = WalletScheme(
        id=scheme_id,
        name=name,
        kind=kind,
        accepted_by_default=bool(entry.get("accepted_by_default", False)),
        verified=bool(entry.get("verified", False)),
        source=str(entry.get("source", "")),
    )
    if kind is SchemeKind.NUMERIC:
        prefixes = entry.get("prefixes")
        lengths = entry.get("lengths")
        if (
            not isinstance(prefixes, list)
            or not prefixes
            or not all(isinstance(p, str) and p.isdigit() and p.isascii() for p in prefixes)
        ):
            raise WalletSchemeError(f"{where}: prefixes must be a list of digit strings")
        if (
            not isinstance(lengths, list)
            or len(lengths) != 2
            or not all(isinstance(n, int) for n in lengths)
            or not 1 <= lengths[0] <= lengths[1] <= 64
        ):
            raise WalletSchemeError(f"{where}: lengths must be [min, max]")
        return replace(base, prefixes=tuple(prefixes), min_length=lengths[0], max_length=lengths[1])
    aids = entry.get("aids")
    if not isinstance(aids, list) or not aids or not all(_is_hex(a) for a in aids):
        raise WalletSchemeError(f"{where}: aids must be a list of hex strings")
    return replace(base, aids=tuple(a.upper() for a in aids))


def _is_hex(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) % 2 == 0
        and len(value) >= 2
        and all(c in "0123456789abcdefABCDEF" for c in value)
    )
