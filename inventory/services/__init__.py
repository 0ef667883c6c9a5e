"""Every write of the inventory app: one function per business action, in a transaction, audited.

The contract other apps rely on (distribution takes a basket per collection):
`take_out`, `reverse_movements`, `InsufficientStock` — see docs/inventory.md.
"""

from . import kits  # noqa: F401  (pre-packed kits: set_kit_contents, assemble_kits, disassemble_kits)
from .catalogue import add_barcode, own_barcode, remove_barcode, save_donor, save_item, set_threshold
from .donations import (
    add_donation_line,
    create_donation,
    delete_draft_donation,
    receive_donation,
    remove_donation_line,
)
from .packs import add_pack, own_pack_barcode, pack_units, remove_pack
from .stock import (
    InsufficientStock,
    apply_deltas,
    format_quantity,
    reverse_movements,
    take_out,
    transfer_stock,
    write_off,
)
from .stocktakes import add_count, cancel_stocktake, post_stocktake, remove_count, start_stocktake

__all__ = [
    "InsufficientStock", "add_barcode", "add_count", "add_donation_line", "apply_deltas", "cancel_stocktake",
    "add_pack", "own_pack_barcode", "pack_units", "remove_pack",
    "create_donation", "delete_draft_donation", "format_quantity", "own_barcode", "post_stocktake",
    "receive_donation", "remove_barcode", "remove_count", "remove_donation_line", "reverse_movements",
    "save_donor", "save_item", "set_threshold", "start_stocktake", "take_out", "transfer_stock", "write_off",
]
