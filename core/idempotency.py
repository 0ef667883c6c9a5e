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

`RequestAnswers` does all of this for an app, on the app's own model (the card scan keeps the answer
on its Scan row, the door on a ScanRequest row): the answer is stored in the action's own transaction,
so answering once costs no statement of its own on the scan's path.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scanning import StationAnswer

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


@dataclass(frozen=True)
class RequestAnswers:
    """The answers an app gives once per (user, request id), kept on its `model`: rows with `by`,
    `request_id`, `request_fingerprint`, `at` and the answer body in `answer_field`, unique
    (by, request_id). `reused()` builds the app's 422 `request_id_reused` answer. `keep_rows`: the row
    is the app's record of what happened (a scan), so forgetting an id clears the id and the answer and
    keeps the row; otherwise (a row that only holds the answer) it is deleted."""

    model: type
    answer_field: str
    reused: Callable[[], StationAnswer]
    keep_rows: bool = False

    def forget(self, rows) -> int:
        """Forget the request ids (and the answers kept for them) of `rows` (a queryset of `model`)."""
        if self.keep_rows:
            return rows.update(request_id=None, request_fingerprint="", **{self.answer_field: {}})
        return rows.delete()[0]

    def purge(self, before) -> int:
        """Forget the request ids first answered before `before` (`register_purger`)."""
        return self.forget(self.model.objects.filter(at__lt=before, request_id__isnull=False))

    def previous(self, *, request_id, by, fingerprint) -> StationAnswer | None:
        """The answer already given to this user's request id: a replay (200, the same body), the
        refusal of another body under the same id, or None when there is none (or it expired: then it
        is forgotten and the request is new)."""
        stored = (self.model.objects.filter(by=by, request_id=request_id)
                  .values("pk", "at", "request_fingerprint", self.answer_field).first())
        if stored is None:
            return None
        if expired(stored["at"]):
            self.forget(self.model.objects.filter(pk=stored["pk"]))
            return None
        if stored["request_fingerprint"] and stored["request_fingerprint"] != fingerprint:  # "": before fingerprints
            return self.reused()
        return StationAnswer(200, stored[self.answer_field], replay=True)

    def answer_once(self, act: Callable[[], StationAnswer], *, request_id, by, fingerprint, look_first=False,
                    attempts=3) -> StationAnswer:
        """Run `act()`, which answers the request and stores the answer under (by, request_id) in its
        own transaction. A request id answered before fails there on the unique index (everything
        `act` did is rolled back) and gets the stored answer instead. `act` may also fail with an
        IntegrityError of its own rule (two tables, one household at the same moment): then it runs
        again and meets the rule. `look_first` asks for a stored answer before acting (one statement
        more; the card scan leaves it out: retries are rare and the index answers them)."""
        if look_first:
            previous = self.previous(request_id=request_id, by=by, fingerprint=fingerprint)
            if previous is not None:
                return previous
        for _attempt in range(attempts):
            try:
                return act()
            except IntegrityError:
                previous = self.previous(request_id=request_id, by=by, fingerprint=fingerprint)
                if previous is not None:
                    return previous
        raise RuntimeError(f"request {request_id} could not be answered after {attempts} attempts")
