"""Every write of the distribution app: one function per business action, atomic and audited.

Modules: `households` (registration, members, duplicates, merge), `retention` (anonymisation, the
nightly retention, right of access),
`programmes` (programmes, enrolments), `cards` (card lifecycle and printing), `imports` (lists),
`card_pdf` (rendering), `days` (planning, closing, corrections), `scans` (the scan).
"""

from core.refusals import Refusal


class DistributionError(Refusal):
    """A business rule of the distribution app refused the action (core.refusals)."""
