"""Hand-outs outside a distribution day: goods given at the centre (emergency, walk-in) or taken to a
home, to a registered household or to people who stay anonymous.

A hand-out to a household answers to the programme's rules as a scan does (services/handouts.py reuses
the station's answer); a rule is overridden only with a written reason (`override_code` says which,
`override_reason` why). An anonymous hand-out holds nothing personal: a reason, how many people, and
optionally how many of them are in each age group and of each sex (for the funder's figures; the rest
count as not declared).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Location

from .cards import Card
from .centres import CentreManager, centre_field
from .days import EUR_TOTAL, KG_TOTAL, ZERO, Scan
from .households import Household
from .programmes import Programme

HANDOUT_DOCUMENT = "distribution.handout"  # document_type of its stock movements

# The station's refusals a staff member may override for a hand-out, with a written reason: the
# programme's rules (how often, who is enrolled). A card that is unknown or revoked is never overridden
# (search the household instead, or record the hand-out anonymously).
OVERRIDABLE = (Scan.Outcome.ALREADY_COLLECTED, Scan.Outcome.LIMIT_REACHED, Scan.Outcome.NOT_ENROLLED,
               Scan.Outcome.EXPIRED_ELIGIBILITY)

# The age groups an anonymous hand-out may declare: (field, label), in the order of the form.
AGE_GROUPS = (
    ("aged_under_18", _("under 18")),
    ("aged_18_29", _("18–29")),
    ("aged_30_64", _("30–64")),
    ("aged_65_up", _("65 and over")),
)


def _count(label):
    return models.PositiveSmallIntegerField(label, default=0)


class Handout(models.Model):
    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency")
        WALK_IN = "walk_in", _("Walk-in")
        HOME_DELIVERY = "home_delivery", _("Home delivery")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="handouts")
    household = models.ForeignKey(Household, verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="handouts")
    card = models.ForeignKey(Card, verbose_name=_("card"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", db_index=False)
    date = models.DateField(_("date"), db_index=True)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                           related_name="+")
    people = models.PositiveSmallIntegerField(_("people"))
    reason = models.CharField(
        _("reason"), max_length=300, blank=True,
        help_text=_("Why the goods are given, e.g. eviction, fire, passing through. No names or other details "
                    "by which a person could be recognised."))
    aged_under_18 = _count(_("under 18"))
    aged_18_29 = _count(_("18–29"))
    aged_30_64 = _count(_("30–64"))
    aged_65_up = _count(_("65 and over"))
    women = _count(_("women"))
    men = _count(_("men"))
    override_code = models.CharField(_("rule overridden"), max_length=20, blank=True,
                                     choices=[(code.value, code.label) for code in OVERRIDABLE])
    override_reason = models.CharField(_("why the rule was overridden"), max_length=300, blank=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("taken by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", db_index=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # As Collection.basket and its totals: what was handed over, kept as it was.
    basket = models.JSONField(_("basket"), default=list)
    has_food = models.BooleanField(_("food handed over"), default=False)
    has_goods = models.BooleanField(_("other goods handed over"), default=False)
    food_kg = models.DecimalField(_("food (kg)"), **KG_TOTAL, default=ZERO)
    food_value_eur = models.DecimalField(_("food (€)"), **EUR_TOTAL, default=ZERO)
    goods_kg = models.DecimalField(_("other goods (kg)"), **KG_TOTAL, default=ZERO)
    goods_value_eur = models.DecimalField(_("other goods (€)"), **EUR_TOTAL, default=ZERO)
    # A hand-out recorded by mistake is cancelled (its goods back to stock), never deleted; it then counts nowhere.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # The API's request id (core/idempotency.py): a retry gets `answer` again instead of a second hand-out.
    # Forgotten after the retention window (the id, fingerprint and answer are cleared; the hand-out stays).
    request_id = models.UUIDField(_("request id"), null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True, default="")
    answer = models.JSONField(default=dict, blank=True)
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("hand-out")
        verbose_name_plural = _("hand-outs")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "by", "request_id"], name="handout_request_id_per_user_in_centre",
                                    violation_error_message=_("This request was already answered.")),
            models.CheckConstraint(condition=Q(people__gte=1), name="handout_people_positive",
                                   violation_error_message=_("A hand-out is for at least one person.")),
            models.CheckConstraint(
                condition=Q(household__isnull=False, programme__isnull=False)
                | Q(household__isnull=True, card__isnull=True, override_code="") & ~Q(reason=""),
                name="handout_household_or_anonymous_with_reason",
                violation_error_message=_("A hand-out is either to a registered household, under a programme, or "
                                          "anonymous with a reason.")),
            models.CheckConstraint(
                condition=Q(override_code="") | ~Q(override_reason=""), name="handout_override_has_reason",
                violation_error_message=_("Overriding a rule needs a written reason.")),
            models.CheckConstraint(
                condition=Q(aged_under_18__lte=F("people") - F("aged_18_29") - F("aged_30_64") - F("aged_65_up")),
                name="handout_age_groups_within_people",
                violation_error_message=_("The age groups add up to more than the number of people.")),
            models.CheckConstraint(
                condition=Q(women__lte=F("people") - F("men")), name="handout_sexes_within_people",
                violation_error_message=_("Women and men add up to more than the number of people.")),
            models.CheckConstraint(
                condition=Q(household__isnull=True)
                | Q(aged_under_18=0, aged_18_29=0, aged_30_64=0, aged_65_up=0, women=0, men=0),
                name="handout_groups_only_when_anonymous",
                violation_error_message=_("Age groups and sex are counted only for an anonymous hand-out: a "
                                          "household's members are known.")),
            models.CheckConstraint(
                condition=Q(kind="home_delivery") | Q(delivered_by__isnull=True, delivered_at__isnull=True),
                name="handout_delivery_only_for_home_delivery",
                violation_error_message=_("Only a home delivery has someone who took it and a delivery time.")),
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True) | Q(delivered_at__gte=F("at")),
                name="handout_delivered_after_recorded",
                violation_error_message=_("A delivery cannot be before the hand-out was recorded.")),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""), name="cancelled_handout_has_reason",
                violation_error_message=_("A cancelled hand-out needs a reason.")),
            models.CheckConstraint(
                condition=Q(food_kg__gte=0, food_value_eur__gte=0, goods_kg__gte=0, goods_value_eur__gte=0),
                name="handout_totals_not_negative",
                violation_error_message=_("The totals of a hand-out cannot be negative.")),
        ]
        indexes = [models.Index(fields=["household", "date"], name="handout_household_date")]

    def __str__(self):
        return str(_("Hand-out %(id)s")) % {"id": self.pk}

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_anonymous(self) -> bool:
        return self.household_id is None

    @property
    def age_not_declared(self) -> int:
        return self.people - sum(getattr(self, name) for name, _label in AGE_GROUPS)

    @property
    def sex_not_declared(self) -> int:
        return self.people - self.women - self.men
