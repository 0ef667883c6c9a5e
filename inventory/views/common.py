"""Shared pieces of the inventory pages: scan-driven entry, safe redirects."""

from django.utils.http import url_has_allowed_host_and_scheme

from core.text import filter_by_search

from ..codes import normalize_code
from ..forms import AttachCodeForm, ScanForm
from ..models import Item
from ..selectors import active_items, find_item_and_pack


def scan_context(request, line_form_class, *, initial=None):
    """What a scan-driven entry page shows after `?code=` (a scan or typed name) or `?item=`.

    Found: the line form for that item, its quantity focused. Unknown: offer to create the item
    with the code or to attach the code to an existing item; a typed name lists matching items.
    """
    code = (request.GET.get("code") or "").strip()
    item_id = request.GET.get("item") or ""
    context = {"scan_form": ScanForm(), "code": code}
    item = pack = None
    if item_id.isdigit():
        item = Item.objects.filter(pk=int(item_id), is_active=True).first()
    elif code:
        item, pack = find_item_and_pack(code)
        if item is None:
            candidates = []
            if any(ch.isalpha() for ch in code) and len(code) >= 2:
                candidates = list(filter_by_search(active_items(), code)[:10])
            if len(candidates) == 1:
                item = candidates[0]
            else:
                context.update({
                    "unknown_code": normalize_code(code), "candidates": candidates,
                    "attach_form": AttachCodeForm(initial={"code": normalize_code(code)}),
                })
    if item is not None:
        context["item"] = item
        context["pack"] = pack  # a pack's code was scanned: the quantity is counted in packs
        context["line_form"] = line_form_class(initial={"item": item.pk, **({"pack": pack.pk} if pack else {}),
                                                        **(initial or {})})
    return context


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def with_query(url: str, **params) -> str:
    from urllib.parse import urlencode

    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


