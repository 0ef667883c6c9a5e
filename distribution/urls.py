from django.urls import path

from .views import cards, households, imports, programmes, retention

app_name = "distribution"

urlpatterns = [
    path("households/", households.HouseholdListView.as_view(), name="households"),
    path("households/new/", households.household_new, name="household_new"),
    path("households/nationalities/", households.nationalities_to_resolve, name="nationalities"),
    path("households/<int:pk>/", households.household_detail, name="household"),
    path("households/<int:pk>/edit/", households.household_edit, name="household_edit"),
    path("households/<int:pk>/members/new/", households.member_edit, name="member_new"),
    path("households/<int:pk>/members/<int:person_pk>/", households.member_edit, name="member_edit"),
    path("households/<int:pk>/members/<int:person_pk>/remove/", households.member_remove, name="member_remove"),
    path("households/<int:pk>/collectors/", households.collector_add, name="collector_add"),
    path("households/<int:pk>/collectors/<int:collector_pk>/remove/", households.collector_remove,
         name="collector_remove"),
    path("households/<int:pk>/enrolments/", households.enrolment_add, name="enrolment_add"),
    path("households/<int:pk>/merge/", households.household_merge, name="household_merge"),
    path("households/<int:pk>/anonymise/", households.household_anonymise, name="household_anonymise"),
    path("households/<int:pk>/cards/", cards.card_request, name="card_request"),
    path("people/<int:person_pk>/export.json", households.person_export, name="person_export"),
    path("cards/", cards.CardListView.as_view(), name="cards"),
    path("cards/print-new/", cards.cards_print_new, name="cards_print_new"),
    path("cards/<int:card_pk>/print/", cards.card_print, name="card_print"),
    path("cards/<int:card_pk>/hand-over/", cards.card_hand_over, name="card_hand_over"),
    path("cards/<int:card_pk>/revoke/", cards.card_revoke, name="card_revoke"),
    path("programmes/", programmes.programme_list, name="programmes"),
    path("programmes/new/", programmes.programme_edit, name="programme_new"),
    path("programmes/<int:pk>/", programmes.programme_edit, name="programme_edit"),
    path("eligibility/expiring/", programmes.expiring, name="expiring"),
    path("retention/", retention.retention, name="retention"),
    path("retention/<int:pk>/confirm/", retention.retention_confirm, name="retention_confirm"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/<int:pk>/", imports.import_detail, name="import"),
    path("import/<int:pk>/start/", imports.import_start, name="import_start"),
    path("import/<int:pk>/step/", imports.import_step, name="import_step"),
    path("import/<int:pk>/again/", imports.import_again, name="import_again"),
]

# Distribution days and the scan station.
from .urls_days import urlpatterns as days_urlpatterns  # noqa: E402

urlpatterns += days_urlpatterns
