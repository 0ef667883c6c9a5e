import pytest

from core import messaging


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "locmem"
    settings.SITE_URL = "https://kypseli.example.org"
    messaging.outbox.clear()
    yield messaging.outbox
    messaging.outbox.clear()
