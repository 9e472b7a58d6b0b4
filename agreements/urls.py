from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("lan/<str:code>/overenskommelser/", views.county_overview, name="county_overview"),
    path("lan/<str:code>/fokusomraden/", views.focus_areas, name="focus_areas"),
    path("lan/<str:code>/medborgarloften/", views.pledge_list, name="pledge_list"),
    path("lan/<str:code>/uppfoljningar/", views.follow_up_list, name="follow_up_list"),
    path("lan/<str:code>/granskningar/", views.review_list, name="review_list"),
    path("kommuner/<str:code>/overenskommelser/", views.municipality_agreements, name="municipality_agreements"),
    path("kommuner/<str:code>/overenskommelser/ny/", views.agreement_create, name="agreement_create"),
    path("kommuner/<str:code>/medborgarloften/ny/", views.pledge_create, name="pledge_create"),
    path("overenskommelser/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("overenskommelser/<int:pk>/redigera/", views.agreement_edit, name="agreement_edit"),
    path(
        "overenskommelser/<int:pk>/undertecknare/",
        views.agreement_part_edit,
        {"part": "signatories"},
        name="signatories_edit",
    ),
    path("overenskommelser/<int:pk>/problem/", views.agreement_part_edit, {"part": "problems"}, name="problems_edit"),
    path(
        "overenskommelser/<int:pk>/leveranser/",
        views.agreement_part_edit,
        {"part": "deliverables"},
        name="deliverables_edit",
    ),
    path(
        "overenskommelser/<int:pk>/uppfoljning/",
        views.follow_up_create,
        {"kind": "agreement"},
        name="agreement_follow_up",
    ),
    path("overenskommelser/<int:pk>/granskning/", views.review_create, {"kind": "agreement"}, name="agreement_review"),
    path("overenskommelser/dokument/<int:pk>/", views.agreement_document, name="agreement_document"),
    path("medborgarloften/<int:pk>/", views.pledge_detail, name="pledge_detail"),
    path("medborgarloften/<int:pk>/redigera/", views.pledge_edit, name="pledge_edit"),
    path("medborgarloften/<int:pk>/utskrift/", views.pledge_print, name="pledge_print"),
    path("medborgarloften/<int:pk>/atagon/", views.commitments_edit, name="commitments_edit"),
    path("medborgarloften/<int:pk>/uppfoljning/", views.follow_up_create, {"kind": "pledge"}, name="pledge_follow_up"),
    path("medborgarloften/<int:pk>/granskning/", views.review_create, {"kind": "pledge"}, name="pledge_review"),
    path("lan/<str:code>/kommunuppfoljning/ny/", views.round_create, name="round_create"),
    path("kommunuppfoljning/<int:pk>/", views.round_detail, name="round_detail"),
    path("kommunuppfoljning/<int:pk>/deadline/", views.round_deadline, name="round_deadline"),
    path("kommunuppfoljning/<int:pk>/paminn/", views.round_remind, name="round_remind"),
    path("kommunuppfoljning/<int:pk>/stang/", views.round_close, name="round_close"),
    path("kommunuppfoljning/<int:pk>/oppna/", views.round_reopen, name="round_reopen"),
    path("kommunforfragningar/<int:pk>/", views.round_request, name="round_request"),
    path("kommunforfragningar/<int:pk>/lamna-over/", views.request_hand_over, name="request_hand_over"),
    path("uppfoljningar/<int:pk>/granska/", views.follow_up_review, name="follow_up_review"),
]
