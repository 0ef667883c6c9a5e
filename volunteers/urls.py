from django.urls import path

from .views import documents, mine, planning, public, roster, rota, shifts, swaps

app_name = "volunteers"

urlpatterns = [
    # coordinator
    path("", roster.board, name="board"),
    path("roster/", roster.VolunteerListView.as_view(), name="roster"),
    path("roster/new/", roster.volunteer_edit, name="volunteer_new"),
    path("roster/<int:pk>/", roster.volunteer_detail, name="volunteer"),
    path("roster/<int:pk>/edit/", roster.volunteer_edit, name="volunteer_edit"),
    path("roster/<int:pk>/certificate.pdf", documents.certificate, name="certificate"),
    path("roster/<int:pk>/<slug:action>/", roster.volunteer_action, name="volunteer_action"),
    path("rota/", rota.rota, name="rota"),
    path("notifications/", roster.notifications, name="notifications"),
    path("shifts/", shifts.ShiftListView.as_view(), name="shifts"),
    path("shifts/new/", shifts.shift_new, name="shift_new"),
    path("shifts/<int:pk>/", shifts.shift_detail, name="shift"),
    path("shifts/<int:pk>/edit/", shifts.shift_edit, name="shift_edit"),
    path("shifts/<int:pk>/cancel/", shifts.shift_cancel, name="shift_cancel"),
    path("shifts/<int:pk>/assign/", shifts.shift_assign, name="shift_assign"),
    path("shifts/<int:pk>/qr/", shifts.shift_qr, name="shift_qr"),
    path("shifts/<int:pk>/approve-hours/", shifts.shift_approve_hours, name="shift_approve_hours"),
    path("shifts/<int:pk>/message/<slug:audience>/", shifts.shift_message, name="shift_message"),
    path("assignments/<int:pk>/<slug:action>/", shifts.assignment_action, name="assignment_action"),
    path("offers/<int:pk>/stop/", swaps.offer_stop, name="offer_stop"),
    path("offers/<int:pk>/pick/", swaps.offer_pick, name="offer_pick"),
    path("plans/", planning.plan_new, name="plan_new"),
    path("plans/<int:pk>/", planning.plan_detail, name="plan"),
    path("plans/<int:pk>/publish/", planning.plan_publish, name="plan_publish"),
    path("shifts/<int:pk>/fill/", planning.plan_fill, name="plan_fill"),
    path("fairness/", planning.fairness_report, name="fairness"),
    path("templates/", shifts.template_list, name="templates"),
    path("templates/new/", shifts.template_edit, name="template_new"),
    path("templates/<int:pk>/", shifts.template_edit, name="template_edit"),
    path("hours/", roster.HoursView.as_view(), name="hours"),
    path("calendars/<int:pk>/new/", roster.location_feed_new, name="location_feed_new"),
    # a volunteer's own pages
    path("me/", mine.me, name="me"),
    path("me/details/", mine.my_details, name="my_details"),
    path("me/rota/", rota.my_rota, name="my_rota"),
    path("me/calendar/new/", mine.my_calendar_new, name="my_calendar_new"),
    path("me/shifts/<int:pk>/<slug:action>/", mine.shift_action, name="my_shift_action"),
    path("me/assignments/<int:pk>/offer/", swaps.my_offer, name="my_offer"),
    path("me/assignments/<int:pk>/<slug:action>/", mine.assignment_answer, name="my_assignment_answer"),
    path("me/offers/<int:pk>/withdraw/", swaps.my_offer_withdraw, name="my_offer_withdraw"),
    path("me/asks/<int:pk>/<slug:action>/", swaps.my_swap_answer, name="my_swap_answer"),
    path("swap/<str:token>/", swaps.swap_answer, name="swap_answer"),
    path("checkin/<str:token>/", mine.checkin, name="checkin"),
    path("confirm/<str:token>/", mine.confirm_contact, name="confirm_contact"),
    # public
    path("apply/", public.apply, name="apply"),
    path("sign-in/", public.signin_request, name="signin_request"),
    path("sign-in/<str:token>/", public.signin_link, name="signin_link"),
    path("calendar/<str:token>.ics", documents.volunteer_feed, name="volunteer_feed"),
    path("calendar/location/<str:token>.ics", documents.location_feed, name="location_feed"),
]
