import pytest

from tests.source_server import SourceServer


@pytest.fixture
def sources():
    """The local stand-in for Kolada, SCB and Brå (``tests/source_server.py``)."""
    with SourceServer() as server:
        yield server
