"""Project-wide pytest fixtures: each area keeps its own in a tests/*_fixtures.py module."""

import pytest

from tests.register_fixtures import register  # noqa: F401
from tests.sandbox_fixtures import enrolled, sandbox_server  # noqa: F401


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the packaging tests' builds and chroot now, in the background (tests/packaging/early.py)."""
    from tests.packaging import early

    if not session.config.option.collectonly:
        early.start(session.items)


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.packaging import early

    early.finish()
