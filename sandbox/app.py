"""The sandbox wallet as one ASGI app: FastAPI routes inside the signing middleware."""

from __future__ import annotations

from fastapi import FastAPI

from sandbox import admin, api_v1, problems, wallet_page
from sandbox.middleware import SignedApi
from sandbox.state import Sandbox

DESCRIPTION = """PayTerm Wallet API v1, as served by the sandbox wallet. Every /v1 request is signed
(RFC 9421, label sig1, tag payterm-v1) and every /v1 response is signed by the wallet and bound
to its request. See docs/wallet-api.md."""


def create_app(sandbox: Sandbox) -> SignedApi:
    """The ASGI app to serve; ``.app`` is the inner FastAPI application."""
    api = FastAPI(title="PayTerm Wallet API", version="1.0.0", description=DESCRIPTION,
                  docs_url=None, redoc_url=None)
    api.state.sandbox = sandbox
    problems.install(api)
    api.include_router(api_v1.router)
    api.include_router(admin.router)
    api.include_router(wallet_page.router)
    return SignedApi(api, sandbox)
