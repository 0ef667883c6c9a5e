"""Views of the volunteers app: `manage` (coordinator), `mine` (a volunteer's own pages),
`public` (application form, sign-in links), `documents` (iCal feeds, PDF certificate)."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def refused(request, error: ValidationError) -> None:
    """Show a service's refusal as a message on the next page."""
    for text in error.messages:
        messages.error(request, text)
