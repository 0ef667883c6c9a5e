"""Request ids (idempotency keys) of the API's scan endpoints, in the spirit of the IETF
Idempotency-Key draft.

* A request id is scoped to the user (or device token's user) that sent it: another user's request
  with the same id is a request of its own, never a replay.
* The first answer is stored with a fingerprint of the request. A retry with the same id and the same
  fingerprint gets the first answer again (200, the same body) and records nothing; the same id with
  another body (another code, day, table, collector or event) is refused with 422
  (`request_id_reused`) and records nothing.
* Ids are kept API_REQUEST_ID_RETENTION_HOURS (settings): an older id is forgotten, and a request
  with it is new. `manage.py purge_request_ids` (daily) forgets them in bulk; an app registers what
  it keeps with `register_purger` (core imports no app).
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REUSED_CODE = "request_id_reused"
REUSED_MESSAGE = _("This request id was already used for another request (another code, day, table, collector "
                   "or event). Nothing was recorded: send it again with a new request id.")
REUSED_HEADLINE = _("Request id already used")

_purgers = []


def fingerprint(*parts) -> str:
    """A stable digest of what a request asks (its validated fields, in a fixed order)."""
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def retention() -> timedelta:
    return timedelta(hours=settings.API_REQUEST_ID_RETENTION_HOURS)


def expired(at, now=None) -> bool:
    """Whether a request id first answered at `at` is past its retention."""
    return at < (now or timezone.now()) - retention()


def register_purger(label: str, purge) -> None:
    """`purge(before)` forgets the request ids first answered before `before`; returns how many."""
    if all(existing != label for existing, _purge in _purgers):
        _purgers.append((label, purge))


def purge_request_ids(now=None) -> dict[str, int]:
    before = (now or timezone.now()) - retention()
    return {label: purge(before) for label, purge in _purgers}
