"""The worker on PostgreSQL, as real processes (manage.py run_worker) against a local fake SMS
gateway (core.fake_gateway): a gateway that is down, a worker killed in the middle of a batch, two
workers at once, a rolled-back action; and the switch to Redis (django-tasks-rq) once."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from core.fake_gateway import FakeGateway
from core.message_models import OutboundMessage
from core.messaging import queue_message
from tests.processes import database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                           "QUEUES": ["default", "messages"]}}


def _env(gateway, **extra) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url(), DEBUG="1", TASKS_BACKEND="database", SMS_BACKEND="http",
               SMS_GATEWAY_URL=gateway.url, MESSAGES_LEASE_SECONDS="2", MESSAGES_CLAIM_BATCH="5",
               MESSAGES_RETRY_BASE_SECONDS="600")
    env.update({key: str(value) for key, value in extra.items()})
    return env


def worker(gateway, *args, **extra) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "run_worker", *args], cwd=ROOT, env=_env(gateway, **extra),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def drain(gateway, **extra) -> str:
    process = worker(gateway, "--drain", **extra)
    out, _err = process.communicate(timeout=120)
    assert process.returncode == 0, out
    return out


def queue(n: int) -> list[OutboundMessage]:
    with override_settings(TASKS=DUMMY_TASKS), transaction.atomic():  # the sweep sends them, not a wake-up
        return [queue_message(channel="sms", to=f"69{i:08d}", text=f"Διανομή {i}") for i in range(n)]


def statuses() -> dict:
    return {status: OutboundMessage.objects.filter(status=status).count() for status in OutboundMessage.Status.values
            if OutboundMessage.objects.filter(status=status).exists()}


@pytest.fixture
def gateway():
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.mark.parametrize("outage", ["refusing", "answering 500"])
def test_a_gateway_that_is_down_leaves_messages_queued_and_they_go_once_it_is_back(gateway, outage):
    messages = queue(12)
    port = gateway.port
    if outage == "refusing":
        gateway.stop()
    else:
        gateway.mode = "error"
    drain(gateway)
    assert statuses() == {"queued": 12}
    assert set(OutboundMessage.objects.values_list("attempts", flat=True)) == {1}
    if outage == "refusing":
        gateway = FakeGateway(port=port).start()
    gateway.mode, gateway.requests = "ok", 0
    drain(gateway)  # not due yet: the back-off holds them
    assert statuses() == {"queued": 12} and not gateway.sent
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    drain(gateway)
    drain(gateway)
    assert statuses() == {"sent": 12}
    assert sorted(gateway.sent) == sorted(m.idempotency_key for m in messages)
    assert gateway.repeats == 0 and gateway.requests == 12
    gateway.stop()


def test_a_worker_killed_mid_batch_loses_nothing_and_the_gateway_sends_each_once(gateway):
    messages = queue(30)
    gateway.delay = 0.15
    process = worker(gateway, "--drain")
    deadline = time.monotonic() + 60
    while gateway.requests < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    left = statuses()
    assert left.get("sending", 0) > 0 and left.get("sent", 0) < 30, left
    time.sleep(2.5)  # the killed worker's lease runs out
    gateway.delay = 0
    drain(gateway)
    assert statuses() == {"sent": 30}
    assert sorted(gateway.sent) == sorted(m.idempotency_key for m in messages)  # each SMS once at the gateway
    assert gateway.repeats <= 1  # at most the one in flight when the worker died, recognised by its key


def test_two_workers_racing_send_each_message_exactly_once(gateway):
    messages = queue(60)
    gateway.delay = 0.01
    first, second = worker(gateway, "--drain"), worker(gateway, "--drain")
    outputs = [p.communicate(timeout=120)[0] for p in (first, second)]
    assert first.returncode == second.returncode == 0, outputs
    assert statuses() == {"sent": 60}
    assert gateway.requests == 60 and gateway.repeats == 0
    assert sorted(gateway.sent) == sorted(m.idempotency_key for m in messages)
    assert all("sent" in out for out in outputs), outputs  # both took a share


def test_a_rolled_back_action_sends_nothing(gateway):
    from core.accounts import send_invitation
    from tests.factories import UserFactory

    user = UserFactory(email="eleni@example.org")
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_message(channel="sms", to="6900000001", text="x")
        send_invitation(user)
        raise RuntimeError
    assert "nothing due" in drain(gateway)
    assert not OutboundMessage.objects.exists() and gateway.requests == 0


def test_the_worker_runs_tasks_enqueued_on_the_database_backend(gateway):
    database_tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "messages"]}}
    with override_settings(TASKS=database_tasks):
        with transaction.atomic():
            message = queue_message(channel="sms", to="6900000001", text="x")
        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.filter(task_path="core.tasks.deliver_messages").count() == 1  # after the commit
    process = worker(gateway, "--burst", "--no-schedule")
    out = process.communicate(timeout=120)[0]
    assert process.returncode == 0, out
    message.refresh_from_db()
    assert message.status == "sent" and list(gateway.sent) == [message.idempotency_key]


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_the_same_worker_on_redis_through_django_tasks_rq(gateway):
    """The larger deployment: TASKS_BACKEND=rq, against the machine's Redis (.ci/run starts it). Without
    Redis the test fails saying what to start, as the browser tests do without Chromium: never skipped."""
    if not _redis_up():
        pytest.fail("Redis is not running on 127.0.0.1:6379: the worker's Redis backend cannot be tested "
                    "(apt-get install redis-server, or redis-server --daemonize yes)")
    import django_rq

    queue_name = f"kypseli-test-{os.getpid()}"
    redis_url = "redis://127.0.0.1:6379/15"
    rq_tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", queue_name]}}
    rq_queues = {name: {"URL": redis_url} for name in ("default", queue_name)}
    with override_settings(TASKS=rq_tasks, RQ_QUEUES=rq_queues, MESSAGES_TASK_QUEUE=queue_name):
        django_rq.get_queue(queue_name).empty()
        with transaction.atomic():
            message = queue_message(channel="sms", to="6900000001", text="μέσω Redis")
        assert django_rq.get_queue(queue_name).count == 1  # the wake-up went to Redis after the commit
    process = worker(gateway, "--burst", "--no-schedule", TASKS_BACKEND="rq", REDIS_URL=redis_url,
                     MESSAGES_TASK_QUEUE=queue_name)
    out = process.communicate(timeout=120)[0]
    assert process.returncode == 0, out
    message.refresh_from_db()
    assert message.status == "sent", out
    assert gateway.sent[message.idempotency_key]["text"] == "μέσω Redis"
