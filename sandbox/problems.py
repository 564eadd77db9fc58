"""RFC 9457 problem+json for every error the sandbox returns (its own, FastAPI's, Starlette's)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from sandbox.clock import to_datetime
from sandbox.errors import ApiError
from terminal.wallet.messages import PROBLEM_CONTENT_TYPE, FieldError, Problem, ProblemCode, problem_type

log = logging.getLogger("sandbox")

_HTTP_CODES: dict[int, tuple[str, str]] = {
    400: (ProblemCode.INVALID_JSON, "Request body is not valid JSON"),  # e.g. numbers too long to parse
    404: (ProblemCode.NOT_FOUND, "No such endpoint"),
    405: (ProblemCode.METHOD_NOT_ALLOWED, "Method not allowed for this endpoint"),
}


def problem_body(status: int, code: str, title: str, detail: str,
                 errors: list[FieldError] | None = None, *, tries_left: int | None = None,
                 locked_until: int | None = None) -> bytes:
    problem = Problem(type=problem_type(code), title=title, status=status, detail=detail, code=code,
                      errors=errors, tries_left=tries_left,
                      locked_until=None if locked_until is None else to_datetime(locked_until))
    return problem.model_dump_json(exclude_none=True).encode()


def problem_response(status: int, code: str, title: str, detail: str | None = None,
                     errors: list[FieldError] | None = None,
                     headers: dict[str, str] | None = None) -> Response:
    return Response(problem_body(status, code, title, detail or title, errors), status_code=status,
                    media_type=PROBLEM_CONTENT_TYPE, headers=headers)


def from_api_error(exc: ApiError) -> Response:
    tries_left = getattr(exc, "tries_left", None)
    locked_until = getattr(exc, "locked_until", None)
    if tries_left is None and locked_until is None:
        return problem_response(exc.status, exc.code, exc.title, exc.detail)
    return Response(problem_body(exc.status, exc.code, exc.title, exc.detail, tries_left=tries_left,
                                 locked_until=locked_until), status_code=exc.status, media_type=PROBLEM_CONTENT_TYPE)


def _loc_text(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in loc)


def validation_problem(exc: RequestValidationError) -> Response:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem_response(400, ProblemCode.INVALID_JSON, "Request body is not valid JSON",
                                "; ".join(str(e.get("msg")) for e in errors))
    for e in errors:
        loc = tuple(e.get("loc", ()))
        if len(loc) >= 2 and loc[0] == "header" and str(loc[1]).lower() == "idempotency-key":
            if e.get("type") == "missing":
                return problem_response(400, ProblemCode.IDEMPOTENCY_KEY_MISSING,
                                        "Idempotency-Key header is required")
            return problem_response(400, ProblemCode.IDEMPOTENCY_KEY_INVALID,
                                    "Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 _ -")
    fields = [FieldError(loc=[p for p in e.get("loc", ())], msg=str(e.get("msg"))) for e in errors]
    first = fields[0] if fields else None
    title = f"Invalid request: {_loc_text(tuple(first.loc))}: {first.msg}" if first else "Invalid request"
    detail = "; ".join(f"{_loc_text(tuple(f.loc))}: {f.msg}" for f in fields) or title
    return problem_response(422, ProblemCode.VALIDATION_ERROR, title, detail, fields)


def install(app: FastAPI) -> None:
    """Route every error through problem+json."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        return from_api_error(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> Response:
        return validation_problem(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        code, title = _HTTP_CODES.get(exc.status_code, (f"http_{exc.status_code}", str(exc.detail)))
        headers = dict(exc.headers or {})
        return problem_response(exc.status_code, code, title, str(exc.detail), headers=headers)
