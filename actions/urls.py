from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("lan/<str:code>/handlingsplaner/", views.plan_list, name="plan_list"),
    path("lan/<str:code>/handlingsplaner/ny/", views.plan_create, name="plan_create"),
    path("lan/<str:code>/stodinsatser/", views.support_activity_list, name="support_activity_list"),
    path("lan/<str:code>/stodinsatser/ny/", views.support_activity_create, name="support_activity_create"),
    path("lan/<str:code>/statusar/", views.status_list, name="status_list"),
    path("lan/<str:code>/aktorer/", views.actor_list, name="actor_list"),
    path("lan/<str:code>/aktorer/ny/", views.actor_create, name="actor_create"),
    path("handlingsplaner/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("handlingsplaner/<int:pk>/redigera/", views.plan_edit, name="plan_edit"),
    path("handlingsplaner/<int:pk>/insatser/ny/", views.measure_create, name="measure_create"),
    path("handlingsplaner/dokument/<int:pk>/", views.plan_document, name="plan_document"),
    path("insatser/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("insatser/<int:pk>/redigera/", views.measure_edit, name="measure_edit"),
    path("insatser/<int:pk>/aktorer/", views.measure_part_edit, {"part": "actors"}, name="measure_actors_edit"),
    path(
        "insatser/<int:pk>/arbetsgrupp/", views.measure_part_edit, {"part": "working_group"}, name="working_group_edit"
    ),
    path("insatser/<int:pk>/delmal/", views.measure_part_edit, {"part": "milestones"}, name="milestones_edit"),
    path("insatser/<int:pk>/lagesrapport/", views.progress_update_create, name="progress_update_create"),
    path("insatser/<int:pk>/indikatorer/ny/", views.indicator_create, name="indicator_create"),
    path("delmal/<int:pk>/klart/", views.milestone_done, name="milestone_done"),
    path("indikatorer/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("aktorer/<int:pk>/", views.actor_detail, name="actor_detail"),
    path("aktorer/<int:pk>/redigera/", views.actor_edit, name="actor_edit"),
    path("stodinsatser/<int:pk>/", views.support_activity_edit, name="support_activity_edit"),
]

urlpatterns += [
    path("handlingsplaner/<int:pk>/uppfoljning/ny/", views.round_create, name="round_create"),
    path("uppfoljning/<int:pk>/", views.round_detail, name="round_detail"),
    path("uppfoljning/<int:pk>/deadline/", views.round_deadline, name="round_deadline"),
    path("uppfoljning/<int:pk>/paminn/", views.round_remind, name="round_remind"),
    path("uppfoljning/<int:pk>/stang/", views.round_close, name="round_close"),
    path("uppfoljning/<int:pk>/oppna/", views.round_reopen, name="round_reopen"),
    path("forfragningar/<int:pk>/", views.round_request, name="round_request"),
    path("forfragningar/<int:pk>/lamna-over/", views.request_hand_over, name="request_hand_over"),
    path("lagesrapporter/<int:pk>/granska/", views.update_review, name="update_review"),
    path("lagesrapporter/bilagor/<int:pk>/", views.update_attachment, name="update_attachment"),
    path("lagesrapporter/<int:pk>/", views.update_detail, name="update_detail"),
    path("insatser/<int:pk>/diskussion/", views.measure_discussion, name="measure_discussion"),
    path("insatser/<int:pk>/folj/", views.measure_follow, name="measure_follow"),
]
