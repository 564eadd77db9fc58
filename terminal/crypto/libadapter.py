"""Adapters between our plain message values and http-message-signatures.

The library works on mutable requests/httpx-like objects: `method`, `url`, `headers` (with
`items()` keeping repeated field lines, plus item assignment/deletion for signing) and, for a
response, `status_code` and the `request` it answers (for `;req` components). These views give
it exactly that over a copy of our headers, and hand the result back as new frozen values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from http_message_signatures import HTTPMessageVerifier

from terminal.crypto.messages import Headers, HttpRequest, HttpResponse


class FieldLines:
    """Ordered, case-insensitive header field lines; assignment replaces all lines of a name."""

    def __init__(self, lines: Iterable[tuple[str, str]]) -> None:
        self._lines = list(lines)

    def items(self) -> list[tuple[str, str]]:
        return list(self._lines)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(name for name, _ in self._lines))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(key.lower() == name.lower() for key, _ in self._lines)

    def __setitem__(self, name: str, value: str) -> None:
        self._remove(name)
        self._lines.append((name, value))

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._remove(name)

    def _remove(self, name: str) -> None:
        self._lines = [(key, value) for key, value in self._lines if key.lower() != name.lower()]

    def frozen(self) -> Headers:
        return tuple(self._lines)


@dataclass
class LibRequest:
    method: str
    url: str
    headers: FieldLines

    @classmethod
    def of(cls, request: HttpRequest) -> LibRequest:
        return cls(request.method, request.url, FieldLines(request.headers))


@dataclass
class LibResponse:
    status_code: int
    headers: FieldLines
    request: LibRequest

    @classmethod
    def of(cls, response: HttpResponse, request: HttpRequest) -> LibResponse:
        return cls(response.status, FieldLines(response.headers), LibRequest.of(request))


class InjectedClockVerifier(HTTPMessageVerifier):
    """The library verifier without its own created/expires checks.

    Those read the wall clock and raise one generic error; PayTerm checks the window itself
    against the caller's `now` (domain code takes time as a value) with distinct errors, before
    the signature is verified (see httpsig.py). Everything else is the library's.
    """

    def validate_created_and_expires(self, sig_input: object, max_age: object = None) -> None:
        return None
