from django.contrib import admin

from .models import Assignment, Shift, ShiftSeries, ShiftTemplate, ShiftTemplateLine, Skill, Volunteer


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "expires"]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "status", "email", "phone"]
    list_filter = ["status"]
    search_fields = ["search_text"]
    readonly_fields = ["calendar_token", "consent_text", "consent_at", "anonymised_at"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "location", "role", "booked", "max_people", "cancelled_at"]
    list_filter = ["location", "role"]
    readonly_fields = ["booked"]


class LineInline(admin.TabularInline):
    model = ShiftTemplateLine


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(admin.ModelAdmin):
    inlines = [LineInline]


admin.site.register(ShiftSeries)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "shift", "status", "attendance", "hours", "hours_approved_at"]
    list_filter = ["status", "attendance"]
    # Bookings change only through the services (they keep the capacity counter and the rules).
    readonly_fields = ["shift", "volunteer", "status", "starts_at", "ends_at"]

    def has_add_permission(self, request):
        return False
