"""Pages of the inventory app (thin: parse, call a service or selector, render)."""
