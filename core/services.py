"""Every write that core owns: one function per action, in a transaction, audited."""

import secrets
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from .audit import audit, audited_save, model_changes, snapshot
from .db.ttl_cache import TTLCache
from .models import ApiToken, AuditLog, Centre, Location, User

TOKEN_BYTES = 32


@transaction.atomic
def create_api_token(user, name: str, *, created_by=None, centre=None) -> tuple[ApiToken, str]:
    """Create a token for `user` at `centre` (the current centre by default): the device's calls run
    in that centre, with the user's role there. Returns (token row, the secret), never stored."""
    key = "kyp_" + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[4:4 + ApiToken.PREFIX_LENGTH], key_hash=ApiToken.hash_key(key),
        created_by=created_by, centre=centre or Centre.current(),
    )
    audit(AuditLog.Action.CREATE, token, user=created_by)
    return token, key


# A scanning device calls the API for every card: each process keeps what a token resolved to for
# TOKEN_SECONDS (one statement less per scan under load). A token revoked, or its user deactivated or
# given another role, is refused at once by the process that made the change (the receivers in
# core.signals) and by the others within TOKEN_SECONDS (with Redis as the shared cache: within 0.1 s,
# core.db.ttl_cache).
TOKEN_SECONDS = 5.0
_tokens = TTLCache(TOKEN_SECONDS, most=1000, shared="tokens")
forget_tokens = _tokens.forget


def user_for_token(key: str):
    """The active user a bearer token belongs to, or None. Touches last_used at most once a minute.

    One plain SQL query finds the token, its user and the user's role (a scanning device calls the
    API for every card, so the role is not fetched again by core.roles.role_of); its answer is kept
    for TOKEN_SECONDS (above). Every call gets its own User instance.
    """
    from .db import rows

    if not key:
        return None
    key_hash = ApiToken.hash_key(key)
    user = _tokens.get(key_hash)
    if user is None:
        user = _user_for_token_hash(key_hash)
        if user is None:
            _tokens.drop(key_hash)
            return None
        _tokens.keep(key_hash, user)
    return _copy_of(rows, user)


def _copy_of(rows, user):
    copy = rows.copy_loaded(user)
    copy._kypseli_role, copy._token_id = user._kypseli_role, user._token_id
    copy._token_centre_id = user._token_centre_id
    return copy


def _user_for_token_hash(key_hash: str):
    from django.contrib.auth import get_user_model

    from .db import rows
    from .models import Membership
    from .roles import COORDINATOR

    user_model = get_user_model()
    quote = connection.ops.quote_name
    now = timezone.now()
    # The token's centre and the user's role there come with the token: no query more per scan.
    sql = (f"SELECT {rows.select_list(user_model, 'u')}, t.id, t.centre_id, "  # noqa: S608 - names from _meta only
           f"CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END, "
           f"(SELECT m.role FROM {quote(Membership._meta.db_table)} m "
           f"WHERE m.user_id = u.id AND m.centre_id = t.centre_id) "
           f"FROM {quote(ApiToken._meta.db_table)} t JOIN {quote(user_model._meta.db_table)} u ON u.id = t.user_id "
           f"JOIN {quote(Centre._meta.db_table)} c ON c.id = t.centre_id "
           f"WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active = %s AND c.is_active = %s")
    stale_before = connection.ops.adapt_datetimefield_value(now - timedelta(seconds=60))
    found = rows.fetch(user_model, sql, [stale_before, key_hash, True, True],
                       extra=("_token_id", "_token_centre_id", "_token_stale", "_token_role"))
    if not found:
        return None
    user = found[0]
    user._kypseli_role = (user._token_centre_id, user._token_role or (COORDINATOR if user.is_superuser else ""))
    if user._token_stale:
        ApiToken._base_manager.filter(pk=user._token_id).update(last_used_at=now)
    return user


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(AuditLog.Action.CHANGE, token, changes={"revoked": ["", str(token.revoked_at)]}, user=by)


LOCATION_FIELDS = ["name", "kind", "address", "phone", "opening_hours", "is_active"]


@transaction.atomic
def save_location(location: Location, *, by) -> Location:
    """Create or update a location (form data already on the instance)."""
    audited_save(location, LOCATION_FIELDS, by=by)
    return location


CENTRE_FIELDS = ["name", "short_name", "address", "phones", "email", "opening_hours", "coordinator_name",
                 "funding_notice"]


@transaction.atomic
def save_centre(centre: Centre, *, by) -> Centre:
    existing = Centre.objects.filter(pk=centre.pk).first() if centre.pk else None
    before = snapshot(existing, CENTRE_FIELDS) if existing else {}
    centre.save()
    audit(AuditLog.Action.CHANGE if existing else AuditLog.Action.CREATE, centre,
          changes=model_changes(before, snapshot(centre, CENTRE_FIELDS)), user=by)
    return centre


USER_FIELDS = ["username", "first_name", "last_name", "email", "phone", "language", "is_active"]


@transaction.atomic
def save_user(user, *, role: str, by):
    """Create or update an account and give it exactly one role (or none) at the current centre."""
    from .memberships import set_role
    from .roles import role_of

    creating = user.pk is None
    before = {} if creating else {**snapshot(type(user).objects.get(pk=user.pk), USER_FIELDS),
                                  "role": role_of(type(user).objects.get(pk=user.pk))}
    if creating:
        user.set_unusable_password()  # the person chooses one through the invitation (core.accounts)
    user.save()
    set_role(user, Centre.current(), role, by=by)
    after = {**snapshot(user, USER_FIELDS), "role": role}
    audit(AuditLog.Action.CREATE if creating else AuditLog.Action.CHANGE, user,
          changes=model_changes(before, after), user=by)
    if not creating and before["role"] != role:
        # A new privilege starts with a new sign-in (and session id): the account's sessions end.
        from .middleware import current_request
        from .signin.sessions import end_all_sessions

        end_all_sessions(user, request=current_request() if by is not None and by.pk == user.pk else None)
    if creating and user.email:
        from .accounts import send_invitation

        send_invitation(user, by=by)  # queued in this transaction (core.messaging)
    return user


NOTIFY_FIELDS = ["notify_by", "daily_digest", "phone"]


@transaction.atomic
def save_notification_choice(user, *, notify_by: str, daily_digest: bool, phone: str, by):
    """How a coordinator is told of what needs her: at once by e-mail or SMS, or only on the board,
    and whether she wants the morning summary. An SMS needs a phone number, e-mail an address."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    phone = (phone or "").strip()
    if notify_by not in User.NotifyBy.values:
        raise ValidationError({"notify_by": _("Choose how you want to be told: e-mail, SMS or only the board.")})
    if notify_by == User.NotifyBy.SMS and not phone:
        raise ValidationError({"phone": _("An SMS needs your mobile phone number: add it, or choose another way.")})
    if (notify_by == User.NotifyBy.EMAIL or daily_digest) and not user.email:
        raise ValidationError({"notify_by": _("Your account has no e-mail address: ask for one to be added, or "
                                              "choose SMS or only the board, without the morning e-mail.")})
    before = snapshot(User.objects.get(pk=user.pk), NOTIFY_FIELDS)
    user.notify_by, user.daily_digest, user.phone = notify_by, bool(daily_digest), phone
    user.save(update_fields=NOTIFY_FIELDS)
    audit(AuditLog.Action.CHANGE, user, changes=model_changes(before, snapshot(user, NOTIFY_FIELDS)), user=by)
    return user
