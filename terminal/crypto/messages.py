"""Plain HTTP message values that signing and verification work on.

Neither httpx nor starlette objects: the terminal's transport and the sandbox's server each
convert at their edge, so this module (and its tests) need no HTTP stack at all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

Headers = tuple[tuple[str, str], ...]


def _combined(headers: Headers, name: str) -> str | None:
    """All field lines of `name`, joined with ", " in order (RFC 9110 5.3); None if absent."""
    wanted = name.lower()
    values = [value for key, value in headers if key.lower() == wanted]
    return ", ".join(values) if values else None


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str  # absolute target URI, e.g. "http://127.0.0.1:8787/v1/charges?x=1"
    headers: Headers
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return _combined(self.headers, name)

    def with_headers(self, *extra: tuple[str, str]) -> HttpRequest:
        return replace(self, headers=self.headers + tuple(extra))


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Headers
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return _combined(self.headers, name)

    def with_headers(self, *extra: tuple[str, str]) -> HttpResponse:
        return replace(self, headers=self.headers + tuple(extra))
