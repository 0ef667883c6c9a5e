"""Needs (infant, diabetic, gluten-free, no pork, nut allergy…) from the coordinator's list, recorded for
a household or one of its members, and the basket substitutions they trigger on a distribution day.

A recorded need is personal data, some of it special-category (health, religion: GDPR art. 9): staff
record it with a legal basis, and a special-category need only with the person's explicit consent (a
database constraint and `services.needs.record_need`). Volunteers never see a need: the station, its
manifest and everything a volunteer reaches carry only the basket that results (selectors.baskets).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.numbers import MinValueValidator

from .centres import CentreManager, centre_field
from .days import QUANTITY, DistributionDay
from .households import Household, Person


class Need(models.Model):
    """One entry of the coordinator's list of needs."""

    class AppliesTo(models.TextChoices):
        HOUSEHOLD = "household", _("the household")
        MEMBER = "member", _("a member")

    code = models.SlugField(_("code"), max_length=40)
    name_el = models.CharField(_("name (Greek)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    special_category = models.BooleanField(
        _("special category (health, religion)"), default=False,
        help_text=_("Reveals health or religion (GDPR art. 9): recorded only with the person's explicit consent."))
    applies_to = models.CharField(_("recorded for"), max_length=10, choices=AppliesTo.choices,
                                  default=AppliesTo.MEMBER)
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("An inactive need can no longer be recorded; records stay."))
    centre = centre_field()  # each centre keeps its own list

    objects = CentreManager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["name_el", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="need_code_unique_in_centre",
                                    violation_error_message=_("Another need of the centre's list has this code.")),
            models.CheckConstraint(condition=Q(applies_to__in=["household", "member"]), name="need_applies_to",
                                   violation_error_message=_("A need is recorded for the household or a member.")),
        ]

    audit_names_nobody = True  # the list itself names nobody; a need recorded for someone does

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the current language (Greek when no English name was given)."""
        from django.utils.translation import get_language

        if (get_language() or "el").startswith("en") and self.name_en:
            return self.name_en
        return self.name_el


class HouseholdNeed(models.Model):
    """A need recorded for a household (`person` empty) or for one of its members. `household` is the
    member's household too, kept in step by the merge of households (services.households).

    `special_category` is the need's, copied when recorded, so that the database itself refuses a
    special-category need without explicit consent (constraint `special_need_has_explicit_consent`)."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.CASCADE,
                                  related_name="needs")
    person = models.ForeignKey(Person, verbose_name=_("member"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="needs")
    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="records")
    special_category = models.BooleanField(_("special category"), default=False, editable=False)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=Household.LegalBasis.choices)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # Read by its own id with the household's id from an address (pages and API).
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("recorded need")
        verbose_name_plural = _("recorded needs")
        ordering = ["household_id", "person_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(special_category=False) | Q(legal_basis="consent", consent_date__isnull=False),
                name="special_need_has_explicit_consent",
                violation_error_message=_("A need that reveals health or religion is recorded only with the "
                                          "person's explicit consent and its date."),
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis="consent") | Q(consent_date__isnull=False),
                name="need_consent_has_date",
                violation_error_message=_("When the legal basis is consent, give the date of the consent."),
            ),
            models.UniqueConstraint(fields=["household", "need"], condition=Q(person__isnull=True),
                                    name="one_need_per_household",
                                    violation_error_message=_("This need is already recorded for the household.")),
            models.UniqueConstraint(fields=["person", "need"], condition=Q(person__isnull=False),
                                    name="one_need_per_member",
                                    violation_error_message=_("This need is already recorded for this member.")),
        ]

    def __str__(self):
        # Without the need's name: this text lands in the audit log, which outlives retention.
        return str(_("Recorded need %(id)s")) % {"id": self.pk}


class BasketSubstitution(models.Model):
    """A line of the day's basket adapted for a need: for a household with `need`, `from_item` becomes
    `item` (`quantity` of it for each one given: a ratio), or `item` is added (`quantity` per member who
    has the need, or per household that has it). How they combine: selectors.baskets.adapted_basket."""

    class Kind(models.TextChoices):
        REPLACE = "replace", _("replace an item")
        ADD = "add", _("add an item")

    class Basis(models.TextChoices):
        HOUSEHOLD = "household", _("per household")
        MEMBER = "member", _("per member who has the need")

    day = models.ForeignKey(DistributionDay, verbose_name=_("distribution day"), on_delete=models.CASCADE,
                            related_name="substitutions")
    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPLACE)
    from_item = models.ForeignKey("inventory.Item", verbose_name=_("item replaced"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("inventory.Item", verbose_name=_("item given"), on_delete=models.PROTECT,
                             related_name="+")
    quantity = models.DecimalField(
        _("quantity"), **QUANTITY, validators=[MinValueValidator(Decimal("0.001"))],
        help_text=_("Replace: how many of the item given for each one replaced (1 for one-for-one). "
                    "Add: how many per member or per household."))
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.HOUSEHOLD)

    class Meta:
        verbose_name = _("basket substitution")
        verbose_name_plural = _("basket substitutions")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="substitution_quantity_positive",
                                   violation_error_message=_("The quantity must be greater than zero.")),
            models.CheckConstraint(
                condition=(Q(kind="replace", from_item__isnull=False) & ~Q(from_item=models.F("item")))
                | Q(kind="add", from_item__isnull=True),
                name="substitution_replaces_another_item",
                violation_error_message=_("A replacement names the item replaced and another item to give; "
                                          "an addition names only the item added."),
            ),
            models.UniqueConstraint(fields=["day", "need", "from_item"], condition=Q(kind="replace"),
                                    name="one_replacement_per_need_and_item",
                                    violation_error_message=_("This need already replaces this item on this "
                                                              "day.")),
        ]

    audit_names_nobody = True  # a plan names nobody: the audit log keeps its label and values

    def __str__(self):
        if self.kind == self.Kind.REPLACE:
            return f"{self.need}: {self.from_item} → {self.item} × {self.quantity}"
        return f"{self.need}: + {self.item} × {self.quantity}"
