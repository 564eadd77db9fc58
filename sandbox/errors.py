"""The sandbox's error hierarchy: every refusal the API gives is an ApiError with an HTTP status,
a stable machine code (see terminal.wallet.messages.ProblemCode) and a title saying what was wrong.
The problem+json handler turns it into RFC 9457 problem details.

    ApiError
    ├── BadRequest        400
    ├── Unauthorized      401  (signature checks; code = the SignatureError code)
    ├── Forbidden         403
    ├── NotFound          404
    ├── Conflict          409
    ├── PayloadTooLarge   413
    ├── UnsupportedMediaType 415
    ├── Unprocessable     422
    └── Unavailable       503
"""

from __future__ import annotations

from typing import ClassVar


class ApiError(Exception):
    status: ClassVar[int] = 500

    def __init__(self, code: str, title: str, detail: str | None = None) -> None:
        super().__init__(title)
        self.code = code
        self.title = title
        self.detail = detail or title


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class PayloadTooLarge(ApiError):
    status = 413


class Unprocessable(ApiError):
    status = 422


class Unavailable(ApiError):
    status = 503


class UnsupportedMediaType(ApiError):
    status = 415
