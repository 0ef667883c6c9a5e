import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from .tenancy import CentreManager, default_centre_id
from .text import search_key


class User(AbstractUser):
    """A person who signs in: staff, the coordinator, or a volunteer at a table."""

    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class NotifyBy(models.TextChoices):
        """How a coordinator is told, at once, of what needs her (a volunteer's "no", a place given back)."""

        EMAIL = "email", _("By e-mail, at once")
        SMS = "sms", _("By SMS, at once (a short text with the link)")
        BOARD = "board", _("Not at once: only on the board and the home page")

    notify_by = models.CharField(_("how I am told of a volunteer's “no”"), max_length=10,
                                 choices=NotifyBy.choices, default=NotifyBy.EMAIL)
    daily_digest = models.BooleanField(
        _("a morning e-mail: places given back since the last one and the shifts of the next 7 days still "
          "short of people"), default=False)
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Raised by "sign out everywhere", a reset of the second factors or a change of role: every session
    # (and trusted device) of the account made before then ends (core.signin.sessions).
    sessions_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.CheckConstraint(
            condition=models.Q(notify_by__in=["email", "sms", "board"]), name="user_notify_by_known",
            violation_error_message=_("Choose how you want to be told: e-mail, SMS or only the board."))]

    @property
    def role(self):
        from .roles import role_of

        return role_of(self)

    def _get_session_auth_hash(self, secret=None):
        """Django's session check (the password's hash) plus the account's sessions epoch: raising the
        epoch ends every session of the account at its next request."""
        from django.utils.crypto import salted_hmac

        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password if not self.sessions_epoch else f"{self.password}|{self.sessions_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class Region(models.Model):
    """A region that funds centres (e.g. Eastern Macedonia and Thrace): its people see aggregates only."""

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return self.name


class Municipality(models.Model):
    """A municipality of a region; it may run several centres. Its people see aggregates only."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="municipalities")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(
            fields=["region", "name"], name="municipality_name_unique_in_region",
            violation_error_message=_("The region already has a municipality of this name."))]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return self.name


class Centre(models.Model):
    """A community centre: the tenant. Every record that belongs to a centre carries it and is read
    inside its scope (core.tenancy); its public details are edited by its coordinator."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short code"), max_length=50, unique=True,
                            help_text=_("Latin letters, digits and hyphens; it names the centre in commands."))
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="centres")
    is_active = models.BooleanField(_("active"), default=True)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phones = models.CharField(_("phone numbers"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    coordinator_name = models.CharField(_("coordinator"), max_length=120, blank=True)
    logo = models.ImageField(_("logo"), upload_to="centre/", blank=True)
    funding_notice = models.TextField(_("funding notice"), blank=True)

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["name"]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return self.short_name or self.name

    @classmethod
    def current(cls):
        """The current centre: the request's (core.tenancy); ScopeError outside any centre's scope."""
        from .tenancy import current_centre

        return current_centre()

    @classmethod
    def first(cls):
        """The installation's first centre (the one a single-centre database was moved into)."""
        return cls.objects.order_by("pk").first()


class Membership(models.Model):
    """A person's role at one centre: she may belong to several, with a role in each."""

    ROLE_CHOICES = [("coordinator", _("Coordinator")), ("staff", _("Staff")), ("volunteer", _("Volunteer"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="memberships")
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.CASCADE,
                               related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["centre_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "centre"], name="membership_one_role_per_centre",
                                    violation_error_message=_("The person already has a role at this centre.")),
            models.CheckConstraint(condition=models.Q(role__in=["coordinator", "staff", "volunteer"]),
                                   name="membership_role_known",
                                   violation_error_message=_("Choose a role: coordinator, staff or volunteer.")),
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.centre_id}: {self.role}"


class Oversight(models.Model):
    """A regional or municipal role: aggregate reports of the region's (or the municipality's)
    centres, never a person, a household or a name. Exactly one of region and municipality."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="oversights")
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("regional role")
        verbose_name_plural = _("regional roles")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(region__isnull=False, municipality__isnull=True)
                           | models.Q(region__isnull=True, municipality__isnull=False)),
                name="oversight_region_or_municipality",
                violation_error_message=_("A regional role is over a region or over a municipality: choose one.")),
            models.UniqueConstraint(fields=["user", "region"], name="oversight_once_per_region",
                                    violation_error_message=_("The person already oversees this region.")),
            models.UniqueConstraint(fields=["user", "municipality"], name="oversight_once_per_municipality",
                                    violation_error_message=_("The person already oversees this municipality.")),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.role} {self.region_id or self.municipality_id}"

    @property
    def role(self):
        return "region" if self.region_id else "municipality"


class SecurityPolicy(models.Model):
    """How staff and coordinators of one centre sign in, set by that centre's coordinator; one row per
    centre. Until it is saved, the settings' defaults apply (TWO_FACTOR_ROLES: staff and coordinators
    in production). A person who belongs to several centres signs in under the strictest rules of
    them all (`rules_for`): a centre's coordinator can make her own centre's rules stricter or weaker,
    never another centre's."""

    centre = models.OneToOneField(Centre, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+",
                                  default=default_centre_id, editable=False)
    staff_two_factor = models.BooleanField(_("staff sign in with a second factor"), default=False)
    coordinator_two_factor = models.BooleanField(
        _("coordinators and administrators sign in with a second factor"), default=False)
    trusted_device_days = models.PositiveSmallIntegerField(
        _("days a device may be trusted (0: never)"), default=0,
        help_text=_("When more than 0, the second step offers “trust this device”: it is not asked again on "
                    "that browser for this many days. Leave 0 where computers are shared."))
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = CentreManager()

    class Meta:
        verbose_name = _("sign-in security")
        verbose_name_plural = _("sign-in security")
        constraints = [
            models.CheckConstraint(condition=models.Q(trusted_device_days__lte=90),
                                   name="security_policy_trust_at_most_90_days",
                                   violation_error_message=_("A device may be trusted for at most 90 days.")),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return str(_("sign-in security"))

    @classmethod
    def defaults(cls, centre_id=None):
        """The rules of a centre whose coordinator saved none: the settings' (unsaved)."""
        from .roles import COORDINATOR, STAFF

        roles = set(settings.TWO_FACTOR_ROLES)
        return cls(centre_id=centre_id, staff_two_factor=STAFF in roles, coordinator_two_factor=COORDINATOR in roles)

    @classmethod
    def current(cls):
        """The current centre's saved rules, or (unsaved) the settings' defaults."""
        from .tenancy import current_centre_id

        centre_id = current_centre_id()
        found = cls.objects.filter(centre_id=centre_id).first()
        return found if found is not None else cls.defaults(centre_id)

    def requires(self, role: str) -> bool:
        """Whether someone of `role` at this centre signs in with a second factor."""
        from .roles import COORDINATOR, STAFF

        return {COORDINATOR: self.coordinator_two_factor, STAFF: self.staff_two_factor}.get(role, False)


class RecoveryCodes(ThrottlingMixin, TimestampMixin, Device):
    """A person's one-time recovery codes, as a django-otp device. Only a salted SHA-256 of each code is
    kept (each carries 80 random bits and its own 64-bit salt); a code that works is deleted, so it works
    once. Wrong codes make the device wait (1 s, 2 s, 4 s…), like the authenticator apps."""

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token):
        import hmac

        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token or "")
        for code in self.codes.all():
            if hmac.compare_digest(code.digest, RecoveryCode.hashed(code.salt, token)):
                deleted, _rows = RecoveryCode.objects.filter(pk=code.pk).delete()
                if deleted:  # a second use of the same code at the same moment finds it gone
                    self.throttle_reset(commit=False)
                    self.set_last_used_timestamp(commit=False)
                    self.save()
                    return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    codes = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self):
        return f"{self.codes_id}"

    @staticmethod
    def hashed(salt: str, code: str) -> str:
        return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


class Location(models.Model):
    """A site of the centre or a store room: stock, days, shifts and events happen here."""

    class Kind(models.TextChoices):
        SITE = "site", _("Site")
        BRANCH = "branch", _("Branch")
        STORE = "store", _("Store room")

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="locations",
                               default=default_centre_id, editable=False)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SITE)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.CharField(max_length=400, editable=False, default="", db_index=True)

    objects = CentreManager()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(
            fields=["centre", "name"], name="location_name_unique_in_centre",
            violation_error_message=_("The centre already has a location of this name."))]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_key(f"{self.name} {self.address}")
        super().save(*args, **kwargs)


class AuditLog(models.Model):
    """Who created, changed, deleted or viewed which record, when and in which role. Append-only.

    An entry carries the centre whose scope it was written in (core.audit.audit); none for what happens
    outside any one centre (signing in and out, before a centre is chosen; jobs over the installation).
    `objects` reads the current centre's entries, as every centre's records are read; `every_centre`
    the installation's (a superuser's audit log, a person's entries forgotten wherever they are)."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")
        LOGIN = "login", _("signed in")
        LOGOUT = "logout", _("signed out")
        LOGIN_FAILED = "login_failed", _("failed sign-in")
        LOCKED_OUT = "locked_out", _("sign-in locked")
        FACTOR_VERIFIED = "factor_verified", _("second factor confirmed")
        FACTOR_FAILED = "factor_failed", _("second factor refused")
        FACTOR_ADDED = "factor_added", _("second factor added")
        FACTOR_REMOVED = "factor_removed", _("second factor removed")
        FACTOR_RESET = "factor_reset", _("second factors reset")
        REAUTHENTICATED = "reauthenticated", _("identity confirmed again")
        SIGNED_OUT_ALL = "signed_out_all", _("signed out everywhere")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", default=default_centre_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)

    every_centre = models.Manager()
    objects = CentreManager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        default_manager_name = "objects"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"]),
                   models.Index(fields=["centre", "at"], name="auditlog_centre_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit log entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit log entries are never deleted.")


class ApiToken(models.Model):
    """A device's bearer token. Only a hash is stored; the token itself is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    # A device works for one centre: its calls run in this centre's scope, with its user's role there.
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+",
                               default=default_centre_id, editable=False)
    name = models.CharField(_("device or purpose"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = CentreManager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        # Tokens carry 256 random bits, so a fast hash is enough (no brute force is possible).
        return hashlib.sha256(key.encode()).hexdigest()


class FormSubmission(models.Model):
    """A rendered form's one-time token, spent by the action it sent (core.once). A second post of the
    same form finds its token spent and does nothing again; it is shown what the first one did."""

    token = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=60)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    outcome_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
from .message_models import OutboundMessage, ScheduledRun  # noqa: E402, F401 - the outbox lives in its own module
