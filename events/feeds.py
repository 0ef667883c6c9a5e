"""RSS feed of the upcoming public events (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors


class UpcomingEventsFeed(Feed):
    title = _("Events of the Community Centre")
    description = _("Upcoming cultural and educational events and workshops.")

    def link(self):
        return reverse("events:public_list")

    def items(self):
        return selectors.public_events()[:100]

    def item_title(self, item):
        when = timezone.localtime(item.starts_at).strftime("%d/%m/%Y %H:%M")
        return f"{item.title} — {when}"

    def item_description(self, item):
        return f"{item.description}\n{item.location.name}"

    def item_link(self, item):
        return reverse("events:public_detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
