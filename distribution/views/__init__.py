"""Pages of the distribution app, one module per area (issue 5 adds its own modules here).

Household pages are for staff (and the coordinator) only: volunteers see nothing of a household
beyond what the scan station (issue 5) shows.
"""
