import pytest

from events.services.registrations import RegistrationRequest, register


@pytest.fixture(autouse=True)
def sms_outbox(sms_outbox):
    """Every test here sends SMS through the locmem gateway (tests/conftest.py)."""
    return sms_outbox


@pytest.fixture
def sign_up():
    """Register through the public path: sign_up(event, "Name", places=2, email=...)."""
    counter = {"n": 0}

    def make(event, name="Ελένη Σαλή", places=1, email=None, phone="", **extra):
        counter["n"] += 1
        if email is None and not phone:
            email = f"person{counter['n']}@example.org"
        return register(event, RegistrationRequest(name=name, places=places, email=email or "", phone=phone,
                                                   consent=True, **extra))

    return make
