from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    # Who may do what (core.roles.access_table): {rule: (roles, what it is)}; staff implies the coordinator.
    access = {
        "core.see_locations": (("volunteer", "staff"), _("The list of sites and store rooms")),
        "core.manage_locations": (("staff",), _("Editing sites and store rooms")),
        "core.administer": (("coordinator",), _("Users, API tokens, the audit log and the centre's details")),
        "core.manage_sign_in": (("coordinator",), _("Sign-in rules, resetting second factors, locked sign-ins")),
        "core.see_messages": (("staff",), _("The messages sent, their status, sending a failed one again")),
    }

    def home_panels(self, request, role):
        """The coordinator's home page lists the messages that failed and were not sent again."""
        if role != "coordinator":
            return []
        from .message_models import OutboundMessage

        failed = (OutboundMessage.objects.filter(status__in=OutboundMessage.NEEDS_ATTENTION)
                  .exclude(pk__in=OutboundMessage.objects.filter(resent_from__isnull=False).values("resent_from"))
                  .select_related("about_type").order_by("-created_at"))
        count = failed.count()
        if not count:
            return []
        return [{"title": _("Messages that could not be sent"), "template": "core/_home_failed_messages.html",
                 "context": {"count": count, "rows": list(failed[:5])}}]

    def ensure_reference_data(self, using="default"):
        """An installation always has its first centre (after a flush too): its coordinator fills in
        its details, as with the one centre before."""
        from .models import Centre

        if not Centre.objects.using(using).exists():
            Centre.objects.using(using).create(name="Κέντρο Κοινότητας", slug="centre-1")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, memberships, roles, signals  # noqa: F401  (checks, audit, groups → memberships)
        from .signin import checks as _sign_in_checks  # noqa: F401  (registers its deploy checks)

        post_migrate.connect(roles.ensure_roles, dispatch_uid="core.ensure_roles")

        from .validators import install_text_hygiene

        install_text_hygiene()  # no control characters in any text field (forms, API, import)
