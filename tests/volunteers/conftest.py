import pytest


@pytest.fixture(autouse=True)
def sms_outbox(sms_outbox, settings):
    """Every test here sends SMS through the locmem gateway (tests/conftest.py), with links to SITE_URL."""
    settings.SITE_URL = "https://kypseli.example.org"
    return sms_outbox
