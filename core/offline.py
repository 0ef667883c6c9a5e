"""What every offline-first scan station shares on the server: the distribution table's day manifest
and the event door's ticket manifest, and the batches of scans they queue while offline.

* Keys: each manifest has its own key, `HMAC-SHA256(SECRET_KEY, "kypseli-<purpose>:<id>:<salt>")`,
  the salt random per day or event (`draw_salt`). An entry's `k` is the first `HASH_BYTES` bytes of
  `HMAC-SHA256(key, hex SHA-256 of what the station reads)`, base64url (`keyed_hash`): the station
  hashes what it reads the same way (Web Crypto). A manifest holds no token, no code and no hash the
  server stores, so it yields nothing usable, and a key is worth nothing on another day or event.
* Versions: `version` is the server's clock in milliseconds when the manifest was built. `since=<a
  version>` asks for what may have changed after it, looking back `OVERLAP` more so that a
  transaction that committed late is not missed (entries are replaced by their identity: receiving
  one twice is harmless). A change of the manifest's owner itself (the day, the event), a version
  older than `DELTA_HOURS` or from the future answers the whole manifest (`Window.full`).
* Answers: gzip when the station accepts it (`json_response`), not by a middleware for every page.
* Batches: `made_at` must lie between the start of the day/event window and the server's clock plus
  `CLOCK_SKEW` (`made_at_in_range`); `batch_results` records the items one by one, in order: one
  item's refusal (a `core.refusals.Refusal`) is its result and does not stop the others.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone

from .problems import problem_body
from .refusals import Refusal

OVERLAP = timedelta(minutes=2)
DELTA_HOURS = 12
HASH_BYTES = 16
CLOCK_SKEW = timedelta(minutes=5)  # a station's clock may be this far ahead of the server's
BATCH_MOST = 500  # scans per batch


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def moment_of(version: int) -> datetime:
    return datetime.fromtimestamp(version / 1000, tz=UTC)


def draw_salt(model, pk, field: str = "manifest_salt") -> str:
    """The row's salt, drawn the first time. An update, not save(): the row's updated_at (which the
    manifests' versions and caches watch) does not move. Two stations at once: the first salt stays."""
    salt = secrets.token_hex(16)
    model.objects.filter(pk=pk, **{field: ""}).update(**{field: salt})
    return model.objects.values_list(field, flat=True).get(pk=pk)


def manifest_key(purpose: str, pk, salt: str) -> bytes:
    message = f"kypseli-{purpose}:{pk}:{salt}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()


def key_text(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode()


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def keyed_hash(key: bytes, hashed: str) -> str:
    """An entry's `k`: from the hex SHA-256 of what the station reads (a card's token, a ticket's code)."""
    digest = hmac.new(key, hashed.encode("ascii"), hashlib.sha256).digest()[:HASH_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(frozen=True)
class Window:
    """What a manifest request with `since` answers: `full` (everything), else the changes `after`."""

    version: int
    full: bool
    after: datetime | None


def window(since: int | None, *, owner_changed_at: datetime, now=None) -> Window:
    now = now or timezone.now()
    if since is None or since > millis(now) or moment_of(since) < now - timedelta(hours=DELTA_HOURS):
        return Window(millis(now), True, None)
    after = moment_of(since) - OVERLAP
    if owner_changed_at >= after:
        return Window(millis(now), True, None)
    return Window(millis(now), False, after)


def json_response(request, body: dict) -> JsonResponse:
    """The manifest, compressed when the client accepts it (about a sixth of its size)."""
    response = JsonResponse(body)
    return GZipMiddleware(lambda _request: response).process_response(request, response)


def made_at_in_range(made_at: datetime, *, earliest: datetime, now=None) -> bool:
    now = now or timezone.now()
    if timezone.is_naive(made_at):
        made_at = timezone.make_aware(made_at)
    return earliest <= made_at <= now + CLOCK_SKEW


def batch_results(items, record) -> list[dict]:
    """`record(item)` -> a StationAnswer for each item, in order; a Refusal is that item's result."""
    results = []
    for item in items:
        try:
            answer = record(item)
            results.append({"request_id": str(item.request_id), "status": answer.status, "answer": answer.body})
        except Refusal as exc:
            results.append({"request_id": str(item.request_id), "status": exc.status,
                            "answer": problem_body(exc.status, code=exc.code, message=exc.text)})
    return results
