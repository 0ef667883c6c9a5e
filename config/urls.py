from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from core import views_offline
from core.accounts import PasswordResetView
from core.security import csp_report
from core.signin.urls import passkey_urls

from .api import api

urlpatterns = [
    # The API first: scan stations call it for every card, and URLs are matched in order.
    path("api/v1/", api.urls),
    # Browsers ask for /favicon.ico on every first visit, whatever the page says.
    path("favicon.ico", core_views.favicon),
    # Content-Security-Policy violation reports from browsers (core/security.py).
    path("csp-report/", csp_report, name="csp_report"),
    # The scan station as an installable web app: its service worker must be at the root to cover the stations.
    path("sw.js", views_offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", views_offline.web_manifest, name="web_manifest"),
    path("", include("core.urls")),
    path("security/", include("core.signin.urls")),
    passkey_urls,
    # Before Django's own: someone without a password (signed in by link) gets the set-password form.
    path("accounts/password_change/", core_views.PasswordChangeOrSetView.as_view(), name="password_change"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    # Signing out also empties what the browser kept for the site (the stations' offline copies).
    path("accounts/logout/", views_offline.SignOutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("inventory/", include("inventory.urls")),
    path("distribution/", include("distribution.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("events/", include("events.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
# Styled, Greek-first error pages; problem details under /api/ (core/views_errors.py).
handler400 = "core.views_errors.bad_request"
handler403 = "core.views_errors.permission_denied"
handler404 = "core.views_errors.page_not_found"
handler500 = "core.views_errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
