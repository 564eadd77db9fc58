"""Project-wide pytest fixtures: each area keeps its own in a tests/*_fixtures.py module."""

from tests.register_fixtures import register  # noqa: F401
from tests.sandbox_fixtures import enrolled, sandbox_server  # noqa: F401
