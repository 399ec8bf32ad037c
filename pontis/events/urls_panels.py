"""Panel pages: /panels/ (namespace "panels")."""

from django.urls import path

from . import views_panels as views

app_name = "panels"

urlpatterns: list = [
    path("", views.panel_list, name="list"),
    path("new/", views.panel_create, name="create"),
    path("<slug:slug>/", views.panel_detail, name="detail"),
    path("<slug:slug>/edit/", views.panel_edit, name="edit"),
    path("<slug:slug>/members/", views.member_add, name="member_add"),
    path("<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/delegates/", views.delegate_add, name="delegate_add"),
    path("<slug:slug>/delegates/<int:pk>/remove/", views.delegate_remove, name="delegate_remove"),
    path("<slug:slug>/programmes/", views.programme_create, name="programme_create"),
    path("<slug:slug>/programmes/<int:year>/adopt/", views.programme_adopt, name="programme_adopt"),
    path("<slug:slug>/topics/<int:pk>/meeting/", views.topic_link, name="topic_link"),
    path("<slug:slug>/offers/", views.offer_create, name="offer_create"),
    path("<slug:slug>/offers/<int:pk>/confirm/", views.offer_decide, {"decision": "confirm"}, name="offer_confirm"),
    path("<slug:slug>/offers/<int:pk>/decline/", views.offer_decide, {"decision": "decline"}, name="offer_decline"),
    path("<slug:slug>/offers/<int:pk>/withdraw/", views.offer_decide, {"decision": "withdraw"}, name="offer_withdraw"),
]
