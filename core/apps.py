from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    # Which permissions each role gets for this app's models: see core.roles.
    role_permissions = {
        "coordinator": [
            "core.view_location", "core.add_location", "core.change_location",
            "core.view_auditlog", "core.view_centre", "core.change_centre",
            "core.view_apitoken", "core.add_apitoken", "core.delete_apitoken",
        ],
        "staff": ["core.view_location", "core.add_location", "core.change_location", "core.view_centre"],
        "volunteer": ["core.view_location"],
    }

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, roles, signals  # noqa: F401  (registers checks, connects login/logout audit)

        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="core.sync_role_permissions")

        from .validators import install_text_hygiene

        install_text_hygiene()  # no control characters in any text field (forms, API, import)
