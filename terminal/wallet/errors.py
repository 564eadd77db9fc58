"""Everything that can go wrong talking to the wallet, in one hierarchy.

    WalletError                      base; ``outcome_unknown`` says whether the wallet may have
    │                                acted on the request (then it is never a decline: poll)
    ├── InsecureWalletURL            plain http to a host that is not loopback (refused up front)
    ├── TransportError               connect/read timeout, refused, dropped, TLS failure
    │     outcome_unknown = False when nothing can have reached the wallet (connect failed),
    │                       True once the request may have been sent
    ├── WalletUnavailable            5xx, or 429 / 503 with Retry-After            (unknown)
    ├── UnverifiedResponse           missing, bad, or unbound response signature, wrong key,
    │                                or a body that is not the message it claims   (unknown)
    └── WalletRejected               a signed 4xx problem+json: the wallet answered "no" to the
          │                          request itself (not a business decline)        (known)
          ├── AuthenticationRejected 401: our signature was refused (code says why)
          ├── Forbidden              403: e.g. the manager's authorization refused
          │                          (``tries_left``, ``locked_until`` say more)
          ├── NotFound               404
          ├── Conflict               409: idempotency key reused with another body, or a charge
          │                          in a state that does not allow the operation
          └── InvalidRequest         400 / 413 / 422: the request was malformed

Business declines (insufficient funds, expired code, …) are not errors: they are charge
responses with ``status == "declined"``.
"""

from __future__ import annotations

from datetime import datetime


class WalletError(Exception):
    outcome_unknown: bool = True

    def __init__(self, message: str, *, outcome_unknown: bool | None = None) -> None:
        super().__init__(message)
        if outcome_unknown is not None:
            self.outcome_unknown = outcome_unknown


class InsecureWalletURL(WalletError):
    outcome_unknown = False


class TransportError(WalletError):
    pass


class WalletUnavailable(WalletError):
    def __init__(self, message: str, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class UnverifiedResponse(WalletError):
    def __init__(self, message: str, *, code: str = "bad_signature") -> None:
        super().__init__(message)
        self.code = code


class WalletRejected(WalletError):
    outcome_unknown = False

    def __init__(self, status: int, title: str, *, code: str | None = None, detail: str | None = None,
                 tries_left: int | None = None, locked_until: datetime | None = None) -> None:
        super().__init__(f"{status} {title}" + (f": {detail}" if detail else ""))
        self.status = status
        self.title = title
        self.code = code
        self.detail = detail
        self.tries_left = tries_left
        self.locked_until = locked_until


class AuthenticationRejected(WalletRejected):
    pass


class Forbidden(WalletRejected):
    pass


class NotFound(WalletRejected):
    pass


class Conflict(WalletRejected):
    pass


class InvalidRequest(WalletRejected):
    pass


def rejection_for(status: int, title: str, *, code: str | None, detail: str | None,
                  tries_left: int | None = None, locked_until: datetime | None = None) -> WalletRejected:
    kind: type[WalletRejected] = {
        401: AuthenticationRejected, 403: Forbidden, 404: NotFound, 409: Conflict,
    }.get(status, InvalidRequest)
    return kind(status, title, code=code, detail=detail, tries_left=tries_left, locked_until=locked_until)
