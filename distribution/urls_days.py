"""URLs of distribution days and the scan station, added to distribution/urls.py."""

from django.urls import path

from .views import days, station

urlpatterns = [
    path("days/", days.day_list, name="days"),
    path("days/new/", days.day_edit, name="day_new"),
    path("days/<int:pk>/", days.day_detail, name="day"),
    path("days/<int:pk>/edit/", days.day_edit, name="day_edit"),
    path("days/<int:pk>/status/", days.day_status, name="day_status"),
    path("days/<int:pk>/close/", days.day_close, name="day_close"),
    path("days/<int:pk>/cancel/", days.day_cancel, name="day_cancel"),
    path("days/<int:pk>/slots/", days.day_slots, name="day_slots"),
    path("days/<int:pk>/slots/notify/", days.day_notify, name="day_notify"),
    path("days/<int:pk>/slots/print/", days.day_slots_print, name="day_slots_print"),
    path("days/<int:pk>/live/", days.day_live, name="day_live"),
    path("days/<int:pk>/live/panel/", days.day_live_panel, name="day_live_panel"),
    path("days/<int:pk>/collections/", days.day_collections_page, name="day_collections"),
    path("days/<int:pk>/signatures.pdf", days.day_signatures, name="day_signatures"),
    path("days/<int:pk>/no-shows/", days.day_no_shows, name="day_no_shows"),
    path("days/<int:pk>/report/", days.day_report_page, name="day_report"),
    path("collections/<int:pk>/cancel/", days.collection_cancel, name="collection_cancel"),
    path("station/", station.station_pick, name="station_pick"),
    path("station/<int:pk>/", station.station, name="station"),
    path("station/<int:pk>/search/", station.station_search, name="station_search"),
]
