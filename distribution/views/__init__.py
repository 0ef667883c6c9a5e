"""Pages of the distribution app, one module per area.

Household pages are for staff (and the coordinator) only: volunteers see nothing of a household
beyond what the scan station shows.
"""
