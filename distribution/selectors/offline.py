"""What the coordinator follows up after stations worked offline."""

from ..models import OfflineHandout


def _who(user) -> str:
    return user.get_full_name() or user.get_username()


def offline_conflicts(day) -> list[dict]:
    """The day's offline hand-outs the server would have refused, oldest first: the card, the server's
    reason, the offline hand-out (table, volunteer, time) and, for a double collection, the collection
    that stands (table, volunteer, time); whether the goods were taken out of stock."""
    found = (OfflineHandout.objects.filter(day=day)
             .select_related("card", "by", "collection__by").order_by("at", "id"))
    return [{
        "id": handout.pk,
        "card_number": handout.card.display_number,
        "household_id": handout.household_id,
        "reason": handout.reason,
        "reason_label": handout.get_reason_display(),
        "offline": {"station": handout.station, "by": _who(handout.by), "at": handout.at,
                    "recorded_at": handout.recorded_at},
        "standing": ({"station": handout.collection.station, "by": _who(handout.collection.by),
                      "at": handout.collection.at} if handout.collection is not None else None),
        "basket": handout.basket,
        "stock_taken": handout.stock_taken,
    } for handout in found]
