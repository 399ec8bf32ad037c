"""Every page declares the HTTP methods it answers; a page that only reads answers POST with a friendly 405.

The mechanism (pontis/core/http.py, pontis/core/permissions.py): a page's access decorator lets only GET and HEAD
through unless the page declared more with ``require_POST`` / ``require_http_methods([...])`` from
``pontis.core.http``, written under the access decorator. Two checks keep it whole: the routed views all carry the
declaration the decorators record (``pontis_methods``), and no views module reads a form (``request.POST``,
``request.FILES``, ``request.method``) in a page that did not declare POST, which would now answer that form 405.

Also here: Django's admin redirects (``/admin/r/<content type>/<id>/`` and ``/admin/<app>/<model>/<id>/``), which
the deny-by-default middleware refused to everyone, admins included.
"""

import ast
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from pontis.core.http import require_http_methods, require_POST
from pontis.core.permissions import public, signed_in
from tests.factories import InstitutionFactory
from tests.test_views_declare_access_by_policy import _pontis_views

APPS = Path(__file__).resolve().parent.parent / "pontis"
VIEW_MODULES = sorted(APPS.glob("*/views.py"))
ACCESS_DECORATORS = {"public", "signed_in", "permission_required", "roles_required", "staff_required"}


def _name(node) -> str:
    node = node.func if isinstance(node, ast.Call) else node
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _reads_a_form(function) -> bool:
    for node in ast.walk(function):
        if (isinstance(node, ast.Attribute) and node.attr in ("POST", "FILES", "method")
                and isinstance(node.value, ast.Name) and node.value.id == "request"):
            return True
    return False


def _declares_post(function) -> bool:
    for decorator in function.decorator_list:
        if _name(decorator) == "require_POST":
            return True
        if _name(decorator) == "require_http_methods" and isinstance(decorator, ast.Call) and decorator.args:
            if "POST" in ast.literal_eval(decorator.args[0]):
                return True
    return False


def pages_reading_a_form_undeclared(source: str) -> list[str]:
    """The pages (functions with an access decorator) that read a form, themselves or through a helper of the same
    module, without declaring POST."""
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}

    def reads(name, seen=()):
        function = functions[name]
        if _reads_a_form(function):
            return True
        called = {_name(node) for node in ast.walk(function) if isinstance(node, ast.Call)}
        return any(reads(other, (*seen, name)) for other in called if other in functions and other not in seen
                   and other != name)

    pages = [f for f in functions.values() if any(_name(d) in ACCESS_DECORATORS for d in f.decorator_list)]
    return sorted(page.name for page in pages if reads(page.name) and not _declares_post(page))


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(APPS)))
def test_every_page_that_reads_a_form_declares_post(path):
    assert pages_reading_a_form_undeclared(path.read_text()) == []


def test_the_check_sees_a_form_read_directly_or_through_a_helper():
    source = (
        "def _answer(request):\n"
        "    return request.POST.get('x')\n"
        "\n"
        "@signed_in\n"
        "def direct(request):\n"
        "    if request.method == 'POST': pass\n"
        "\n"
        "@public\n"
        "def through_helper(request):\n"
        "    return _answer(request)\n"
        "\n"
        "@public\n"
        "@require_http_methods(['GET', 'POST'])\n"
        "def declared(request):\n"
        "    return request.POST\n"
        "\n"
        "@signed_in\n"
        "@require_POST\n"
        "def action(request):\n"
        "    return request.POST\n"
        "\n"
        "@public\n"
        "def reads_only(request):\n"
        "    return request.GET\n"
    )

    assert pages_reading_a_form_undeclared(source) == ["direct", "through_helper"]


def test_every_routed_page_declares_its_methods():
    undeclared = [route for route, view in _pontis_views() if not getattr(view, "pontis_methods", None)]

    assert undeclared == []


def test_a_page_without_a_declaration_only_reads():
    page = public(lambda request: None)

    assert page.pontis_methods == {"GET", "HEAD"}
    assert signed_in(require_http_methods(["GET", "POST"])(lambda request: None)).pontis_methods == {"GET", "HEAD", "POST"}
    assert signed_in(require_http_methods(["POST"])(lambda request: None)).pontis_methods == {"POST"}


@pytest.mark.django_db
def test_a_form_page_answers_head_as_it_answers_get(client, focal_point):
    """HEAD is GET without the body: link checkers and monitors send it to form pages too (they answered 405)."""
    client.force_login(focal_point)
    url = reverse("intake:create")
    get, head = client.get(url), client.head(url)
    assert get.status_code == 200
    assert head.status_code == 200 and head.content == b""


def test_methods_declared_above_the_access_decorator_are_refused():
    with pytest.raises(ImproperlyConfigured):
        require_POST(signed_in(lambda request: None))


# ---------------------------------------------------------------- what people meet


@pytest.mark.django_db
def test_post_to_a_public_read_only_page_answers_a_friendly_405(client):
    response = client.post(reverse("core:home"), headers={"accept-language": "fr"})

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.templates[0].name == "errors/405.html"
    assert b'<html lang="fr">' in response.content


@pytest.mark.django_db
def test_healthz_answers_post_405(client):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.django_db
def test_a_download_refuses_post_after_the_access_rule(client, officer, expert_user):
    url = reverse("experts:export", args=["csv"])

    assert client.post(url).status_code == 302  # sign in first
    client.force_login(expert_user)
    assert client.post(url).status_code == 403  # the access rule answers before the method
    client.force_login(officer)
    response = client.post(url)
    assert response.status_code == 405
    assert response.templates[0].name == "errors/405.html"
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_form_page_still_takes_its_form_and_an_action_still_refuses_get(client, officer):
    client.force_login(officer)

    assert client.post(reverse("accounts:profile"), {}).status_code in (200, 302)
    response = client.get(reverse("accounts:token_create"))
    assert response.status_code == 405
    assert response.templates[0].name == "errors/405.html"


@pytest.mark.django_db
def test_the_api_keeps_its_own_405(client):
    response = client.delete("/api/v1/reference/themes")

    assert response.status_code == 405
    assert b"<html" not in response.content  # the API's answer, not a page for people
    assert not any(t.name == "errors/405.html" for t in response.templates)


# ---------------------------------------------------------------- the admin's redirects


@pytest.fixture
def staff_admin(admin_user):
    admin_user.is_staff = True
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    return admin_user


@pytest.mark.django_db
def test_an_admin_follows_the_admins_old_style_object_link(client, staff_admin):
    institution = InstitutionFactory()
    client.force_login(staff_admin)

    response = client.get(f"/admin/accounts/institution/{institution.pk}/")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_institution_change", args=[institution.pk])
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_an_admin_passes_the_view_on_site_shortcut(client, staff_admin):
    institution = InstitutionFactory()
    content_type = ContentType.objects.get_for_model(institution)
    client.force_login(staff_admin)

    response = client.get(f"/admin/r/{content_type.pk}/{institution.pk}/")

    # Past the access check: the shortcut itself answers (404: an institution has no page address of its own).
    assert response.status_code in (302, 404)
    assert not any(t.name == "errors/403.html" for t in response.templates)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_people_who_are_not_staff_do_not_get_through_the_admins_redirects(client, who, officer):
    institution = InstitutionFactory()
    content_type = ContentType.objects.get_for_model(institution)
    if who == "officer":
        client.force_login(officer)

    for url in (f"/admin/accounts/institution/{institution.pk}/", f"/admin/r/{content_type.pk}/{institution.pk}/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
