"""A test-only URLconf: the real site plus views that exist only to prove deny-by-default and error pages."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns
from pontis.core.permissions import public, signed_in


def undeclared(request):
    return HttpResponse("secret")


@public
def declared_public(request):
    return HttpResponse("open")


@signed_in
def declared_signed_in(request):
    return HttpResponse("members")


@public
def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-only/undeclared/", undeclared),
    path("test-only/public/", declared_public),
    path("test-only/signed-in/", declared_signed_in),
    path("test-only/boom/", boom),
    *site_urlpatterns,
]
