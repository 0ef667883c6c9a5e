"""Every write of the volunteers app: one function per business action, in a transaction, audited.

- roster: applications, approval, profiles, status, anonymisation
- signin: personal sign-in links (signed, expiring, single use)
- shifts: single shifts, series (edit one or this-and-following), templates, cancellation
- signups: take, leave, assign, confirm, decline, approve requests (capacity and overlap rules)
- attendance: check-in, ticks, no-shows, hours approval
- notices: messages to volunteers, reminders, messages to a shift or to its candidates
- coordinator_notices: telling the coordinators (a volunteer's "no", the morning summary), as each chose
"""

from django.core.exceptions import ValidationError  # noqa: F401  (raised by every service on a refused action)
