from django.contrib import admin

from .models import CheckIn, Event, Question, Registration


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title_el", "starts_at", "location", "status", "capacity", "places_taken"]
    list_filter = ["status", "category", "location"]
    search_fields = ["title_el", "title_en"]
    readonly_fields = ["places_taken", "status", "published_at", "cancelled_at"]
    inlines = [QuestionInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only: places are changed only through the services (the staff pages)."""

    list_display = ["name", "event", "places", "status", "queued_at"]
    list_filter = ["status", "source"]
    search_fields = ["search_text"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["registration", "at", "by", "method"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
