import pytest


@pytest.fixture(autouse=True)
def _many_requests(settings):
    """Tests send many requests from one account; the rate limit has its own test."""
    settings.FABRIQUE_REQUESTS_PER_OFFICIAL = 1000
