from django.urls import path

from . import views, views_centres, views_messages

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("locations/", views.LocationListView.as_view(), name="locations"),
    path("locations/new/", views.location_edit, name="location_new"),
    path("locations/<int:pk>/", views.location_edit, name="location_edit"),
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/new/", views.user_edit, name="user_new"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/invite/", views.user_invite, name="user_invite"),
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
    path("centre/", views.centre_edit, name="centre"),
    path("centre/switch/", views_centres.switch_centre, name="switch_centre"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("messages/", views_messages.message_list, name="messages"),
    path("messages/progress/", views_messages.message_progress, name="message_progress"),
    path("messages/<int:pk>/resend/", views_messages.message_resend, name="message_resend"),
    path("messages/delivery-report/", views_messages.delivery_report, name="delivery_report"),
]
