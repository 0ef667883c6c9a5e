"""For other apps' pages (a distribution day, an event): the volunteer shifts at a place and time.

    {% load volunteers_tags %}
    {% shifts_at day.location day.starts_at day.ends_at %}
"""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("volunteers/_shifts_at.html", takes_context=True)
def shifts_at(context, location, start, end):
    return {"shifts": list(selectors.shifts_at(location, start, end)), "user_role": context.get("user_role", "")}
