"""Every write of the distribution app: one function per business action, atomic and audited.

Modules: `households` (registration, members, duplicates, merge, retention, right of access),
`programmes` (programmes, enrolments), `cards` (card lifecycle and printing), `imports` (lists),
`card_pdf` (rendering), `days` (planning, closing, corrections), `scans` (the scan).
"""

class DistributionError(Exception):
    """A business rule refused the action; `str(exc)` is a translated message for the user."""
