import pytest
from django.core.cache import cache

from portal.services import issue_token


@pytest.fixture(autouse=True)
def _api_settings(settings):
    """Generous rates (tests that check throttling set their own) and fresh counters per test."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/hour", "anonymous": "100000/hour"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_for():
    def make(user, name="Test"):
        return issue_token(user, name)

    return make
