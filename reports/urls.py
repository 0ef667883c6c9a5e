from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("esf/", views.esf_indicators, name="esf"),
    path("esf/drill/", views.esf_drill, name="esf_drill"),
    path("distribution/", views.distribution, name="distribution"),
    path("stock/", views.stock, name="stock"),
    path("volunteers-events/", views.activities_report, name="activities"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
]
