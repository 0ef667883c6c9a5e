"""The client's address behind the reverse proxy: one callable for sign-in throttling, rate limits
and the audit log; entries a client writes into X-Forwarded-For change nothing."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.models import AuditLog
from core.net import client_ip

PROXY = "127.0.0.1"  # nginx on the same machine: the socket's peer


def _request(remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(("count", "remote", "forwarded", "expected"), [
    (0, "192.0.2.7", "10.9.9.9", "192.0.2.7"),                    # no proxy: the header is the client's own words
    (1, PROXY, "198.51.100.4", "198.51.100.4"),                   # honest client: what nginx appended
    (1, PROXY, "6.6.6.6, 198.51.100.4", "198.51.100.4"),          # forged first entry: ignored
    (1, PROXY, "6.6.6.6,7.7.7.7 , 198.51.100.4", "198.51.100.4"),
    (2, "10.0.0.2", "6.6.6.6, 198.51.100.4, 10.0.0.1", "198.51.100.4"),  # two proxies: second from the right
    (1, PROXY, None, PROXY),                                      # not through the proxy: the peer
    (2, PROXY, "198.51.100.4", PROXY),                            # fewer entries than proxies: the peer
    (1, PROXY, "not-an-address", PROXY),
    (1, PROXY, "2001:db8::7", "2001:db8::7"),
    (1, PROXY, "[2001:db8::7]:4431", "2001:db8::7"),
    (1, PROXY, "198.51.100.4:52311", "198.51.100.4"),
])
def test_the_client_is_the_entry_the_first_trusted_proxy_added(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(remote, forwarded)) == expected


def test_django_axes_uses_the_same_callable(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(_request(PROXY, "6.6.6.6, 198.51.100.4")) == "198.51.100.4"


def _login(client, password, forwarded):
    return client.post(reverse("login"), {"username": "staff1", "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def test_a_forged_forwarding_entry_behind_one_proxy_is_still_locked_out(client, staff_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    for n in range(8):  # each attempt claims another first address; nginx appends the real one
        _login(client, "wrong", f"203.0.113.{n + 1}, 198.51.100.4")
    response = _login(client, "correct-horse-battery-9", "203.0.113.99, 198.51.100.4")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    failed = AuditLog.every_centre.filter(action="login_failed")
    assert set(failed.values_list("ip_address", flat=True)) == {"198.51.100.4"}


def test_honest_clients_behind_the_proxy_are_counted_by_their_own_address(client, staff_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _login(client, "wrong", "198.51.100.4")
    assert _login(client, "correct-horse-battery-9", "198.51.100.4").status_code == 429
    # Another person behind the same proxy is not locked out by the first one's mistakes.
    response = _login(client, "correct-horse-battery-9", "198.51.100.5")
    assert response.status_code == 302
    assert AuditLog.every_centre.filter(action="login", ip_address="198.51.100.5").exists()


def test_event_sign_up_allowance_is_per_client_behind_the_proxy(settings, db):
    from events.views.public import _over_rate_limit

    settings.TRUSTED_PROXY_COUNT = 1
    settings.EVENTS_REGISTRATIONS_PER_HOUR = 2
    from django.core.cache import cache

    cache.clear()
    first = [_over_rate_limit(_request(PROXY, f"6.6.6.{n}, 198.51.100.4")) for n in range(3)]
    assert first == [False, False, True]  # forged first entries do not buy more attempts
    assert _over_rate_limit(_request(PROXY, "198.51.100.5")) is False
