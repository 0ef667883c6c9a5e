"""Every write of the events app: one function per business action, in a transaction, audited.

- planning: create and edit events (capacity against places held), publish, unpublish, cancel, sessions
- registrations: register, cancel, approve, decline, link a household, message the registered
- places: the event row's lock, places taken and released, the waiting list, messages sent after commit
- reminders: the day-before reminder
- retention: anonymising the registrations of past events
- door: the door (a scanned ticket, answered once per request id) and the door list's ticks

Places: an event's row is locked (SELECT … FOR UPDATE) before any change to who holds places,
so registrations, cancellations, approvals and capacity changes for one event happen one after
the other. `Event.places_taken` moves only through relative UPDATEs in those transactions, and the
database refuses any value above the capacity (see events.models).

Messages to people go out after the transaction has committed (a failing mail server never undoes
a registration), in the language the person registered in.
"""

from core.refusals import Refusal


class EventError(Refusal):
    """A business rule of the events app refused the action (core.refusals); `message` is for the person."""
