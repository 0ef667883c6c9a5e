"""The kinds of document a stock movement names (`document_type`), each with a label and the page that
shows one, so that the ledger's list filters and links them. Inventory registers its own; other apps
register theirs from their AppConfig.ready (distribution: collections and hand-outs), since inventory
imports no other app."""

from django.utils.translation import gettext_lazy as _

DOCUMENTS: dict[str, tuple] = {}  # document_type -> (label, URL name of its page taking the id, or None)


def register(document_type: str, label, url_name: str | None = None) -> None:
    DOCUMENTS[document_type] = (label, url_name)


def choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, (label, _url) in sorted(DOCUMENTS.items(), key=lambda i: str(i[1][0]))]


register("inventory.donation", _("Donations"), "inventory:donation")
register("inventory.transfer", _("Transfers"), "inventory:transfer")
register("inventory.stocktake", _("Stock-takes"), "inventory:stocktake")
register("inventory.kit", _("Kits"), "inventory:item")
