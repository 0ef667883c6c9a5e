from django.urls import path

from core.roles import public as public_page

from .feeds import UpcomingEventsFeed
from .views import door, public, staff

app_name = "events"

urlpatterns = [
    # Public (no sign-in)
    path("", public.public_list, name="public_list"),
    path("<int:pk>/", public.public_detail, name="public_detail"),
    path("<int:pk>/register/", public.register, name="register"),
    path("<int:pk>/event.ics", public.event_ics, name="event_ics"),
    path("feed.ics", public.feed_ics, name="feed_ics"),
    path("feed.rss", public_page(UpcomingEventsFeed()), name="feed_rss"),
    path("r/<str:token>/", public.manage, name="manage"),
    path("r/<str:token>/cancel/", public.manage_cancel, name="manage_cancel"),
    # Staff
    path("staff/", staff.EventListView.as_view(), name="staff_list"),
    path("staff/new/", staff.event_edit, name="event_new"),
    path("staff/attendance/", staff.attendance, name="attendance"),
    path("staff/<int:pk>/", staff.event_detail, name="staff_event"),
    path("staff/<int:pk>/edit/", staff.event_edit, name="event_edit"),
    path("staff/<int:pk>/publish/", staff.event_publish, name="event_publish"),
    path("staff/<int:pk>/unpublish/", staff.event_unpublish, name="event_unpublish"),
    path("staff/<int:pk>/cancel/", staff.event_cancel, name="event_cancel"),
    path("staff/<int:pk>/sessions/", staff.event_sessions, name="event_sessions"),
    path("staff/<int:pk>/message/", staff.event_message, name="event_message"),
    path("staff/<int:pk>/registrations/", staff.RegistrationListView.as_view(), name="registrations"),
    path("staff/<int:pk>/registrations/new/", staff.registration_add, name="registration_add"),
    path("staff/registrations/<int:pk>/", staff.registration_detail, name="staff_registration"),
    path("staff/registrations/<int:pk>/<slug:action>/", staff.registration_action, name="registration_action"),
    # The door (staff and volunteers)
    path("door/", door.today, name="door"),
    path("door/<int:pk>/", door.checkin, name="checkin"),
    path("door/<int:pk>/list/", door.door_list, name="door_list"),
    path("door/<int:pk>/tick/<int:registration_pk>/", door.tick, name="tick"),
]
