"""Two app servers against one PostgreSQL, as the production setup runs them (README, "Several app
servers"): two gunicorn processes with the project's gunicorn.conf.py and the production settings,
the shared cache on Redis, one database. A scan storm across both: several tables, every card
scanned by two tables at once through different servers, and every request sent to BOTH servers
with the same request id (a station retrying through the proxy onto the other server). Exactly once
must still hold: one collection per household, stock equal to the ledger, every scan answered with
the right outcome; the API's rate limit is one limit for both servers; a revoked token stops at once
on both."""

import http.client
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from core.services import create_api_token, revoke_api_token
from distribution.models import Collection, Scan
from inventory.selectors import available_by_item
from tests.distribution.days_helpers import day_with_basket, household
from tests.factories import UserFactory
from tests.processes import database_url, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
TABLES = 4
CARDS = 40
RATE = 60  # per token and hour: the storm sends CARDS per token, below it
SHARED_CACHE = "redis://127.0.0.1:6379/3"


def _start(port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=database_url(), DEBUG="0", SECRET_KEY=secrets.token_hex(32),
               ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", LOG_LEVEL="ERROR", TASKS_BACKEND="database",
               CACHE_URL=SHARED_CACHE, API_RATE_LIMIT=f"{RATE}/h",
               GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", GUNICORN_THREADS="2",
               EMAIL_URL="smtp://127.0.0.1:9", SMS_BACKEND="http", SMS_GATEWAY_URL="https://sms.invalid/send",
               SITE_URL="https://kypseli.test.invalid")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with log.open("w") as out:
        # gunicorn.conf.py as in production; a shorter wait for kept-alive clients when the test stops it.
        return subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "--graceful-timeout", "2"],  # noqa: S603
                                cwd=ROOT, env=env, stdout=out, stderr=out)


def _wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn stopped: {log.read_text()[-2000:]}"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health/")
            up = conn.getresponse().status == 200
            conn.close()
            if up:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn on {port} did not answer in 60 s: {log.read_text()[-2000:]}")


@pytest.fixture
def two_servers(tmp_path, on_postgres):
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"gunicorn-{n}.log" for n in range(2)]
    processes = [_start(port, log) for port, log in zip(ports, logs, strict=True)]
    try:
        yield ports, processes, logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _post(conn_of, port, token, body):
    """POST /api/v1/scans, reconnecting once if the server closed a kept-alive connection."""
    for attempt in range(2):
        conn = conn_of(port)
        try:
            conn.request("POST", "/api/v1/scans", body=body,
                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            return response.status, json.loads(response.read())
        except (OSError, http.client.HTTPException):
            conn.close()
            conn_of(port, fresh=True)
            if attempt:
                raise
    raise AssertionError("unreachable")


def test_a_scan_storm_across_two_servers_collects_each_household_exactly_once(two_servers, settings):
    ports, processes, logs = two_servers
    day, items = day_with_basket(stock_per_item=1000)
    cards = [household(day.programme, size=1 + n % 3) for n in range(CARDS)]
    tables = [UserFactory(username=f"table-{n}", role="volunteer") for n in range(TABLES)]
    created = [create_api_token(user, f"tablet {n}") for n, user in enumerate(tables)]
    tokens = [key for _token, key in created]
    # Card k is scanned by tables k and k+1 (mod TABLES), each with its own request id; each request
    # goes to both servers at once.
    work = defaultdict(list)  # table -> [(card index, body)]
    for k, (_hh, _card, code) in enumerate(cards):
        for table in (k % TABLES, (k + 1) % TABLES):
            body = json.dumps({"code": code, "day": day.pk, "station": f"Τραπέζι {table + 1}",
                               "request_id": str(uuid.uuid4())})
            work[table].append((k, body))
    for port, process, log in zip(ports, processes, logs, strict=True):
        _wait_until_up(port, process, log)

    answers = defaultdict(list)  # (table, body) -> [(server, status, answer)]
    lock, errors = threading.Lock(), []
    barrier = threading.Barrier(TABLES * 2)

    def send(table, server):
        connections = {}

        def conn_of(port, fresh=False):
            if fresh or port not in connections:
                connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            return connections[port]

        try:
            barrier.wait(timeout=30)
            for _k, body in work[table]:
                status, answer = _post(conn_of, ports[server], tokens[table], body)
                with lock:
                    answers[(table, body)].append((server, status, answer))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            for conn in connections.values():
                conn.close()

    threads = [threading.Thread(target=send, args=(table, server)) for table in range(TABLES) for server in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    # Every request was answered by both servers: once for real, once as the replay of that answer.
    by_card = defaultdict(list)
    for (_table, body), got in answers.items():
        assert sorted(server for server, _s, _a in got) == [0, 1]
        (first, replay) = sorted(got, key=lambda answer: answer[1] == 200)
        assert replay[1] == 200 and replay[2] == first[2], (first, replay)
        assert first[1] in (201, 409), first
        by_card[json.loads(body)["code"]].append(first)
    # Two tables scanned each card: one collected it, the other was told it was already collected.
    for code, firsts in by_card.items():
        outcomes = sorted((status, answer["outcome"]) for _server, status, answer in firsts)
        assert outcomes == [(201, "collected"), (409, "already_collected")], code

    assert Collection.objects.filter(day=day).count() == CARDS
    assert Collection.objects.filter(day=day).values("household").distinct().count() == CARDS
    assert Scan.objects.filter(day=day).count() == 2 * CARDS  # one per request id, never per server
    people = sum(1 + n % 3 for n in range(CARDS))
    levels = available_by_item(day.location, [items["rice"], items["soap"]])
    assert levels == {items["rice"].pk: Decimal(1000 - 2 * CARDS), items["soap"].pk: Decimal(1000 - people)}
    call_command("check_stock")  # every level equals its ledger

    # The rate limit is one limit for both servers (the counters in the shared cache): a new device
    # alternating between them is stopped after RATE requests in all.
    device = create_api_token(UserFactory(username="busy-device", role="volunteer"), "busy")[1]
    statuses = [_me(ports[n % 2], device) for n in range(RATE + 2)]
    assert statuses == [200] * RATE + [429, 429]

    # A device token revoked here is refused at once by both servers, although each had just read it
    # (they keep a token 5 s; the revocation's announcement in Redis drops their copies).
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "core.db.cache.SharedRedisCache",
                                                      "LOCATION": SHARED_CACHE}}
    assert [_me(port, tokens[0]) for port in ports] == [200, 200]
    revoke_api_token(created[0][0], by=None)
    time.sleep(0.2)  # the servers look at the announcements every 0.1 s
    assert [_me(port, tokens[0]) for port in ports] == [401, 401]
    assert [_me(port, tokens[1]) for port in ports] == [200, 200]


def _me(port, token) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    status = conn.getresponse().status
    conn.close()
    return status
