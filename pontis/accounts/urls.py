from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("institutions/", views.institutions, name="institutions"),
    path("institutions/new/", views.institution_edit, name="institution_create"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution"),
    path("institutions/<int:pk>/edit/", views.institution_edit, name="institution_edit"),
    path("", views.people, name="people"),
    path("new/", views.person_create, name="person_create"),
    path("welcome/<str:uidb64>/<str:token>/", views.welcome, name="welcome"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
]
