"""Households, their members (people) and the people authorised to collect for them."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import validators as plausible
from core.text import search_key

from ..identifiers import validate_amka
from ..nationality import GROUP_CHOICES, group_of, map_text, nationality_choices
from .categories import (  # noqa: F401 - also read through this module by the app's code
    CATEGORY_SINGULAR_NAMES,
    HOUSEHOLD_CATEGORIES,
    MINORITY_CATEGORIES,
    PERSON_CATEGORIES,
    Category,
    Declared,
    categories_with_yes,
    declared,
    minority_answer,
)
from .centres import CentreManager, CentreQuerySet, centre_field


def validate_categories(value, allowed=None) -> None:
    """`value` maps category codes to "yes"/"no"; anything missing is "not declared"."""
    if not isinstance(value, dict):
        raise ValidationError(_("Categories must be a mapping of category to yes/no."), code="categories")
    allowed = {str(c) for c in (allowed or Category)}
    for key, answer in value.items():
        if key not in allowed:
            raise ValidationError(_("Unknown category: %(code)s."), params={"code": key}, code="category_unknown")
        if answer not in (Declared.YES, Declared.NO):
            raise ValidationError(
                _("The answer for %(code)s must be yes or no (or leave it not declared)."),
                params={"code": key}, code="category_answer",
            )


def validate_household_categories(value):
    validate_categories(value, HOUSEHOLD_CATEGORIES)


def validate_person_categories(value):
    validate_categories(value, PERSON_CATEGORIES)


def _answer_field(verbose_name):
    """A category answer kept as a plain column beside the JSON (for reports): yes / no / "" not declared."""
    return models.CharField(verbose_name, max_length=3, choices=Declared.choices, blank=True, default="",
                            editable=False)


def _answer_check(field: str, name: str):
    return models.CheckConstraint(condition=Q(**{f"{field}__in": ["yes", "no", ""]}), name=name,
                                  violation_error_message=_("The answer must be yes, no or not declared."))


_UNKNOWN = object()  # a retention date not loaded from the database (deferred)


def _with_derived(update_fields, source: str, derived: list[str]):
    """save(update_fields=...) that writes `source` also writes the columns derived from it."""
    if update_fields is None or source not in update_fields:
        return update_fields
    return list(dict.fromkeys([*update_fields, *derived]))


class Household(models.Model):
    """The unit that receives goods and holds one card."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MERGED = "merged", _("Merged into another household")
        ANONYMISED = "anonymised", _("Anonymised")

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent (GDPR art. 6(1)(a), 9(2)(a))")
        PUBLIC_TASK = "public_task", _("Public task of the municipality (GDPR art. 6(1)(e), 9(2)(g))")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (GDPR art. 6(1)(c))")
        VITAL_INTEREST = "vital_interest", _("Vital interest (GDPR art. 6(1)(d))")

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area = models.CharField(_("area or settlement"), max_length=100, blank=True)
    categories = models.JSONField(_("household categories"), default=dict, blank=True,
                                  validators=[validate_household_categories])
    # categories["homeless"] as a column, filled by save() (fill_derived_fields), for the ESF+ reports.
    homeless = _answer_field(_("homeless (as declared)"))
    notes = models.TextField(_("notes (staff only)"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices,
                                   default=LegalBasis.PUBLIC_TASK)
    consent_date = models.DateField(_("consent date"), null=True, blank=True, validators=[plausible.consent_date])
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("consent recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    consent_text_version = models.CharField(_("consent text version"), max_length=40, blank=True)
    retention_until = models.DateField(_("keep the data until"), null=True, blank=True, db_index=True,
                                       validators=[plausible.retention_date])
    import_reference = models.CharField(
        _("reference in the imported list"), max_length=60, null=True, blank=True,
        help_text=_("E.g. the KEA application number; importing the same list twice matches on it."),
    )
    # The import that registered the household (so that one step can request the cards of all of them).
    import_job = models.ForeignKey("distribution.ImportJob", verbose_name=_("registered by the import"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="households_created",
                                   editable=False)
    # When the retention date was last set (registration, edit, import, API) and whether the
    # coordinator then confirmed the anonymisation: apply_retention holds a household whose date
    # changed within the last RETENTION_HOLD_DAYS unless confirmed (services.households).
    retention_changed_at = models.DateTimeField(_("retention date set"), null=True, blank=True, editable=False)
    retention_confirmed_at = models.DateTimeField(_("anonymisation confirmed"), null=True, blank=True,
                                                  editable=False)
    retention_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("anonymisation confirmed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_from")
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["-id"]
        constraints = [
            # Unique within the centre (the nullable column: a household not imported has none).
            models.UniqueConstraint(
                fields=["centre", "import_reference"], name="household_import_reference_in_centre",
                violation_error_message=_("Another household already has this reference in the imported list.")),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="merged_household_has_target",
                violation_error_message=_("A merged household needs the household it was merged into.")
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="household_not_merged_into_itself",
                                   violation_error_message=_("A household cannot be merged into itself.")),
            models.CheckConstraint(
                condition=~Q(legal_basis="consent") | Q(consent_date__isnull=False),
                name="consent_basis_has_consent_date",
                violation_error_message=_("When the legal basis is consent, give the date of the consent."),
            ),
            _answer_check("homeless", "household_homeless_answer"),
        ]

    def __str__(self):
        # Deliberately without names: this text lands in the audit log, which outlives retention.
        return str(_("Household %(id)s")) % {"id": self.pk}

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        kwargs["update_fields"] = _with_derived(kwargs.get("update_fields"), "categories", ["homeless"])
        stored = getattr(self, "_stored_retention", _UNKNOWN)
        if self._state.adding or (stored is not _UNKNOWN and stored != self.retention_until):
            self.retention_changed_at = timezone.now()
            kwargs["update_fields"] = _with_derived(kwargs["update_fields"], "retention_until",
                                                    ["retention_changed_at"])
        super().save(*args, **kwargs)
        self._stored_retention = self.retention_until

    @classmethod
    def from_db(cls, db, field_names, values):
        household = super().from_db(db, field_names, values)
        household._stored_retention = household.__dict__.get("retention_until", _UNKNOWN)
        return household

    def fill_derived_fields(self):
        """The answer columns read from `categories` (call before bulk_create, which skips save)."""
        self.homeless = declared(self.categories, Category.HOMELESS)

    def clean(self):
        if self.legal_basis == self.LegalBasis.CONSENT and not self.consent_date:
            raise ValidationError({"consent_date": _("With consent as the legal basis, record the consent date.")})

    @property
    def reference_person(self):
        return next((p for p in self.members.all() if p.is_reference), None)


class PersonQuerySet(CentreQuerySet):
    def counted_by(self, rule, on: date):
        """The people a per-member basket rule counts on `on` (one person: `rule.counts_member`)."""
        latest, after = rule.birth_date_bounds(on)
        people = self
        if latest is not None:
            people = people.filter(birth_date__lte=latest)
        if after is not None:
            people = people.filter(birth_date__gt=after)
        return people


class CurrentMemberManager(models.Manager.from_queryset(PersonQuerySet)):  # a CentreManager's kind
    """People who are members of their household today (not left it, not merged into another person).
    The default manager, so `household.members` lists today's members; `Person.everyone` lists all."""

    def get_queryset(self):
        return super().get_queryset().filter(left_on__isnull=True)


class Person(models.Model):
    """A member of a household; exactly one member is the reference person.

    Membership in time: a person is a member of `household` from `joined_on` (empty: since the
    household's registration, or since birth) until `left_on` (empty: still a member). A person who
    leaves keeps their row, so the reports count them for the collections made while they were a
    member. A person registered twice whose rows were merged points at the row kept (`merged_into`)
    and is counted as that one person. Memberships of households merged away are kept in
    `MembershipHistory`.
    """

    class Sex(models.TextChoices):
        NOT_DECLARED = "", _("Not declared")
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        OTHER = "X", _("Other")

    class Relation(models.TextChoices):
        REFERENCE = "reference", _("Reference person")
        SPOUSE = "spouse", _("Spouse or partner")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Brother or sister")
        GRANDCHILD = "grandchild", _("Grandchild")
        OTHER = "other", _("Other relative or person")

    class OtherIdKind(models.TextChoices):
        NONE = "", _("None")
        PAAYPA = "paaypa", _("PAAYPA (temporary insurance and health number)")
        ASYLUM_CARD = "asylum_card", _("Asylum seeker's card")
        RESIDENCE_PERMIT = "residence", _("Residence permit")
        PASSPORT = "passport", _("Passport")
        ID_CARD = "id_card", _("Identity card")
        TEMPORARY = "temporary", _("Temporary number of the centre")

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="members")
    is_reference = models.BooleanField(_("reference person"), default=False)
    relation = models.CharField(_("relation to the reference person"), max_length=12, choices=Relation.choices,
                                default=Relation.OTHER)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    father_name = models.CharField(_("father's name"), max_length=80, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True, validators=[plausible.birth_date])
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="")
    nationality = models.CharField(_("nationality"), max_length=2, choices=nationality_choices, blank=True,
                                   help_text=_("Empty: not declared."))
    # A typed nationality that could not be read as a country (migration, import), until staff resolve it.
    nationality_recorded = models.CharField(_("nationality as written, not matched to a country"), max_length=60,
                                            blank=True, editable=False)
    # Greek / other EU / third country / not declared, from the code; kept through anonymisation.
    nationality_group = models.CharField(_("nationality group"), max_length=2, choices=GROUP_CHOICES, blank=True,
                                         default="", editable=False)
    amka = models.CharField(_("AMKA"), max_length=11, blank=True, db_index=True)
    other_id_kind = models.CharField(_("other identifier"), max_length=12, choices=OtherIdKind.choices,
                                     blank=True, default="")
    other_id = models.CharField(_("other identifier number"), max_length=40, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    phone_digits = models.CharField(max_length=30, blank=True, editable=False, db_index=True)
    address = models.CharField(_("address (if not the household's)"), max_length=200, blank=True)
    categories = models.JSONField(_("categories"), default=dict, blank=True,
                                  validators=[validate_person_categories])
    # Answers read from `categories` as columns, filled by save() (fill_derived_fields), for the ESF+ reports.
    disability = _answer_field(_("disability (as declared)"))
    minority = _answer_field(_("foreign background or minority (as declared)"))
    search_text = models.CharField(max_length=400, editable=False, default="", db_index=True)
    # Name and birth date after Greek/Latin normalisation: the duplicate check compares these.
    identity_key = models.CharField(max_length=200, editable=False, default="", db_index=True)
    # After anonymisation only: a date standing in for the birth date, as coarse as the household's
    # recorded collections allow while giving the same age group on each (services.households).
    reporting_birth_date = models.DateField(null=True, blank=True, editable=False)
    joined_on = models.DateField(
        _("member since"), null=True, blank=True,
        help_text=_("Leave empty for a member since the household was registered (or since birth)."))
    left_on = models.DateField(_("left the household on"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey("self", verbose_name=_("same person as"), null=True, blank=True,
                                    editable=False, on_delete=models.PROTECT, related_name="merged_from")
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    centre = centre_field()

    # Both managers keep to the current centre (PersonQuerySet is a CentreQuerySet); a foreign key to a
    # person reads through Django's plain base manager (the row was already chosen).
    objects = CurrentMemberManager()
    everyone = models.Manager.from_queryset(PersonQuerySet)()  # noqa: DJ012

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["-is_reference", "birth_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(is_reference=True),
                                    name="one_reference_person_per_household",
                                    violation_error_message=_("The household already has a reference person.")),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True)
                                   | Q(left_on__gte=models.F("joined_on")), name="person_leaves_after_joining",
                                   violation_error_message=_("A member cannot leave before joining.")),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(is_reference=False),
                                   name="reference_person_has_not_left",
                                   violation_error_message=_("The reference person cannot have left the "
                                                             "household.")),
            models.CheckConstraint(condition=Q(merged_into__isnull=True) | Q(left_on__isnull=False),
                                   name="merged_person_has_left",
                                   violation_error_message=_("A person merged into another is no longer a "
                                                             "member.")),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="person_not_merged_into_itself",
                                   violation_error_message=_("A person cannot be merged into themselves.")),
            models.CheckConstraint(condition=Q(amka="") | Q(amka__regex=r"^[0-9]{11}$"), name="amka_is_11_digits",
                                   violation_error_message=_("The AMKA has 11 digits.")),
            _answer_check("disability", "person_disability_answer"),
            _answer_check("minority", "person_minority_answer"),
            models.CheckConstraint(condition=Q(nationality_group__in=["GR", "EU", "TC", ""]),
                                   name="person_nationality_group",
                                   violation_error_message=_("Unknown nationality group.")),
        ]

    def __str__(self):
        return str(_("Person %(id)s")) % {"id": self.pk}

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        kwargs["update_fields"] = _with_derived(kwargs.get("update_fields"), "categories",
                                                ["disability", "minority"])
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.read_nationality()
        super().clean_fields(exclude=exclude)

    def read_nationality(self):
        """A nationality given as text (an import, the API, an old script) becomes its code
        (`nationality.map_text`); a text that names no country is kept in `nationality_recorded` for
        staff to resolve, and the nationality stays not declared."""
        value = (self.nationality or "").strip()
        if value and (len(value) != 2 or value.upper() != value or map_text(value) != value):
            code = map_text(value)
            if code is None:
                self.nationality, self.nationality_recorded = "", value[:60]
            else:
                self.nationality = code
        if self.nationality:
            self.nationality_recorded = ""

    def fill_derived_fields(self):
        """The indexed search, duplicate and phone columns, the category answers and the nationality
        group as columns (call before bulk_create, which skips save)."""
        self.read_nationality()
        self.nationality_group = group_of(self.nationality)
        self.disability = declared(self.categories, Category.DISABILITY)
        self.minority = minority_answer(self.categories)
        self.search_text = search_key(" ".join([self.first_name, self.last_name, self.father_name]))
        self.identity_key = identity_key(self.first_name, self.last_name, self.birth_date)
        self.phone_digits = phone_digits(self.phone)
        if self.birth_date:
            self.birth_year = self.birth_date.year

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: date) -> int | None:
        if self.birth_date:
            b = self.birth_date
            return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
        if self.birth_year:
            return day.year - self.birth_year
        return None

    def member_on(self, day: date) -> bool:
        """Whether the person was a member of `household` on `day` (born, joined, not yet left)."""
        start = max(d for d in (self.joined_on, self.birth_date, date.min) if d)
        return start <= day and (self.left_on is None or self.left_on >= day)

    def clean(self):
        errors = {}
        if self.amka:
            try:
                validate_amka(self.amka, self.birth_date)
            except ValidationError as exc:
                errors["amka"] = exc.messages
        # The plausible range of a birth date is the field's validator (core.validators.birth_date): one message.
        if self.other_id and not self.other_id_kind:
            errors["other_id_kind"] = [_("Say what kind of identifier this is.")]
        if errors:
            raise ValidationError(errors)



class MembershipHistory(models.Model):
    """A membership that ended when its household was merged into another: the person was a member
    of `household` from `joined_on` (empty: from its start) until `left_on`. The reports count the
    person for that household's collections of those days."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="past_memberships")
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="past_memberships")
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    left_on = models.DateField(_("member until"))

    class Meta:
        verbose_name = _("past membership")
        verbose_name_plural = _("past memberships")
        constraints = [
            models.CheckConstraint(condition=Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                                   name="past_membership_ends_after_it_starts",
                                   violation_error_message=_("A past membership cannot end before it starts.")),
        ]

    def __str__(self):
        return str(_("Past membership %(id)s")) % {"id": self.pk}


def identity_key(first_name: str, last_name: str, birth_date: date | None) -> str:
    """Name + birth date in the search form ("" when either is missing)."""
    names = " ".join(sorted(search_key(f"{first_name} {last_name}").split()))
    if not names or not birth_date:
        return ""
    return f"{names}|{birth_date.isoformat()}"


def phone_digits(phone: str) -> str:
    """The last 10 digits of a phone number (drops +30 / 0030 and any spaces)."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    return digits[-10:]


class AuthorisedCollector(models.Model):
    """Someone who may collect on the household's behalf (a neighbour, a relative elsewhere)."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="collectors")
    name = models.CharField(_("full name"), max_length=160)
    id_number = models.CharField(_("ID number"), max_length=40, blank=True)
    relation = models.CharField(_("relation"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # Read by its own id with the household's id from an address, and by time for the station's manifest.
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("authorised collector")
        verbose_name_plural = _("authorised collectors")
        ordering = ["name", "id"]

    def __str__(self):
        return str(_("Authorised collector %(id)s")) % {"id": self.pk}
