from django.urls import path

from . import views, views_region

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("esf/", views.esf_indicators, name="esf"),
    path("esf/drill/", views.esf_drill, name="esf_drill"),
    path("esf/submit/", views.esf_submit, name="esf_submit"),
    path("esf/submitted/<int:pk>/<str:export_format>/", views.esf_submitted_file, name="esf_submitted_file"),
    path("distribution/", views.distribution, name="distribution"),
    path("stock/", views.stock, name="stock"),
    path("volunteers-events/", views.activities_report, name="activities"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("region/", views_region.region_index, name="region"),
    path("region/esf/", views_region.region_esf, name="region_esf"),
    path("region/distribution/", views_region.region_distribution, name="region_distribution"),
    path("region/stock/", views_region.region_stock, name="region_stock"),
    path("region/volunteers-events/", views_region.region_activities, name="region_activities"),
]
