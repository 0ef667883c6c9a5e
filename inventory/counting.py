"""How counted quantities become per-lot targets at a stock-take (shared by the review and the posting).

Counters may give a lot or an expiry date, or just the item. Counts with a lot/expiry set that lot;
counts of the bare item are spread over the item's other lots, latest expiry first (goods go out
earliest expiry first, so what is left on the shelf is most likely the latest lots); any surplus
goes to the latest lot (or an undated lot when there is none). Items nobody counted are not touched.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")


@dataclass
class LotTarget:
    item_id: int
    lot: str
    expiry_date: date | None
    current: Decimal
    target: Decimal

    @property
    def difference(self) -> Decimal:
        return self.target - self.current


def _latest_first(key):
    lot, expiry = key
    # Undated lots first, then the latest expiry.
    return (0, 0, lot) if expiry is None else (1, -expiry.toordinal(), lot)


def plan(counts, levels) -> list[LotTarget]:
    """counts: objects with item_id, lot, expiry_date, quantity; levels: StockLevel rows of one location."""
    explicit = defaultdict(lambda: defaultdict(lambda: ZERO))
    pooled = defaultdict(lambda: ZERO)
    for count in counts:
        if count.lot or count.expiry_date:
            explicit[count.item_id][(count.lot or "", count.expiry_date)] += count.quantity
        else:
            pooled[count.item_id] += count.quantity
    current = defaultdict(dict)
    for level in levels:
        current[level.item_id][(level.lot, level.expiry_date)] = level.quantity
    result = []
    for item_id in sorted(set(explicit) | set(pooled)):
        have = current.get(item_id, {})
        target = dict(explicit.get(item_id, {}))
        rest = sorted((key for key in have if key not in target), key=_latest_first)
        left = pooled.get(item_id, ZERO)
        for key in rest:
            take = min(left, have[key])
            target[key] = take
            left -= take
        if left > 0:
            key = rest[0] if rest else ("", None)
            target[key] = target.get(key, ZERO) + left
        for key in sorted(set(have) | set(target), key=_latest_first):
            result.append(LotTarget(item_id, key[0], key[1], have.get(key, ZERO), target.get(key, ZERO)))
    return result
