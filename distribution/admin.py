"""Only the programme list is in the admin. Households, people and cards are deliberately absent:
their pages in the app write every view to the audit log, the admin would not."""

from django.contrib import admin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "once_per_distribution_day", "max_collections_per_month", "is_active"]
