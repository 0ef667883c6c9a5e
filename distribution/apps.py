from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "distribution"
    verbose_name = _("Distribution")
    # Household data are for staff only; volunteers get what the scan station shows.
    access = {
        "distribution.manage_households": (("staff",), _("Households and their members")),
        "distribution.manage_cards": (("staff",), _("Household cards")),
        "distribution.hand_out": (("staff",), _("Hand-outs outside distribution days")),
        "distribution.manage_needs": (("staff",), _("Needs of households and members (some reveal health or "
                                                    "religion)")),
        "distribution.keep_need_list": (("coordinator",), _("The list of needs")),
        "distribution.work_station": (("volunteer", "staff"), _("The scan station (distribution days, scanning "
                                                                  "cards)")),
    }
    navigation = [
        ("distribution:households", _("Households"), "distribution.manage_households"),
        ("distribution:cards", _("Cards"), "distribution.manage_cards"),
        ("distribution:programmes", _("Programmes"), ("staff",)),
        ("distribution:needs", _("Needs"), "distribution.keep_need_list"),
        ("distribution:days", _("Distribution days"), ("staff",)),
        ("distribution:handouts", _("Hand-outs"), "distribution.hand_out"),
        ("distribution:station_pick", _("Scan station"), "distribution.work_station"),
    ]

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.idempotency import register_purger
        from core.models import Location
        from inventory.models import Item, KitComponent

        from .models import BasketRule, DistributionDay, Programme
        from .selectors.scan import forget_scan_plans
        from .services.handouts import purge_request_ids as purge_handout_request_ids
        from .services.scans import purge_request_ids

        register_purger("scans", purge_request_ids)
        register_purger("hand-outs", purge_handout_request_ids)

        from inventory import documents

        from .models.handouts import HANDOUT_DOCUMENT
        from .selectors.days import COLLECTION_DOCUMENT

        documents.register(COLLECTION_DOCUMENT, _("Collections"))
        documents.register(HANDOUT_DOCUMENT, _("Hand-outs outside distribution days"), "distribution:handout")

        from core import staffing

        from .staffing import day_needs

        staffing.register("distribution.days", day_needs)

        # A scan keeps the day's plan a few seconds (selectors.scan.read_for_scan): an edit made in
        # this process is seen by its next scan.
        for model in (DistributionDay, BasketRule, Programme, Location, Item, KitComponent):
            post_save.connect(forget_scan_plans, sender=model, dispatch_uid=f"forget_scan_plans_save_{model.__name__}")
            post_delete.connect(forget_scan_plans, sender=model,
                                dispatch_uid=f"forget_scan_plans_delete_{model.__name__}")

    def home_panels(self, request, role):
        from core.roles import has_role

        if not has_role(request.user, "staff"):
            return []
        from core.roles import COORDINATOR

        from .selectors import cards_to_print, expiring_enrolments, retention_preview
        from .selectors.households import RETENTION_NOTICE_DAYS

        panels = [{
            "title": _("Households and cards"),
            "template": "distribution/_home_panel.html",
            "context": {"to_print": cards_to_print().count(),
                        "expiring": expiring_enrolments(within_days=30).count()},
        }]
        if has_role(request.user, COORDINATOR):
            going = retention_preview()
            panels.append({
                "title": _("Data to be anonymised"),
                "template": "distribution/_retention_panel.html",
                "context": {"count": len(going), "held": sum(1 for h in going if h.held),
                            "days": RETENTION_NOTICE_DAYS, "first": going[:5]},
            })
        return panels
