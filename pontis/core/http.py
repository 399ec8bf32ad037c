"""Two facts about an HTTP request that every app needs and none may work out on its own.

``client_ip(request)``: the address of the person's machine. Behind the reverse proxy of docs/deploy.md every
request arrives from the proxy, so the proxy's header is read, but only as far as the operator says it can be
trusted (``PONTIS_TRUSTED_PROXY_COUNT`` proxies, header ``PONTIS_CLIENT_IP_HEADER``). Anything a client writes
into that header itself sits to the left of what the trusted proxies appended, and is never read.

``safe_next(request, default)``: where to go after a form, from a ``next`` parameter, only if it stays on this
site (an absolute URL to another host, a scheme-relative ``//evil.example`` or ``javascript:`` is refused).
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods as django_require_http_methods


def _valid_ip(value):
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the proxy header's entry written by the outermost trusted proxy.

    With ``PONTIS_TRUSTED_PROXY_COUNT = n`` the header (X-Forwarded-For by default) is read right to left and the
    n-th entry from the right is the client: each trusted proxy appends the address it received the request
    from, so the entries further left were written by the client and may be forged. With fewer entries than
    trusted proxies, the leftmost one (still written by a trusted proxy) is used. Without a configured proxy
    the header is ignored entirely.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR")) or ""
    hops = getattr(settings, "PONTIS_TRUSTED_PROXY_COUNT", 0)
    if hops <= 0:
        return remote
    header = getattr(settings, "PONTIS_CLIENT_IP_HEADER", "X-Forwarded-For")
    entries = [item.strip() for item in request.headers.get(header, "").split(",") if item.strip()]
    if not entries:
        return remote
    return _valid_ip(entries[-min(hops, len(entries))]) or remote


def is_safe_next(request, url) -> bool:
    """True when ``url`` is a path or an absolute URL of this very site (HTTPS only in production)."""
    if not url:
        return False
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure() or settings.PRODUCTION
    )


def safe_next(request, default, *, param="next") -> str:
    """The ``next`` URL of the request (POST, then GET) when it stays on this site, else ``default``.

    ``default`` may be a URL name, as for ``redirect()``.
    """
    url = request.POST.get(param) or request.GET.get(param)
    if is_safe_next(request, url):
        return url
    return resolve_url(default)


# ---------------------------------------------------------------- which methods a page answers
#
# Every Pontis page declares the HTTP methods it answers. A page that only reads declares nothing: its access
# decorator (pontis/core/permissions.py) lets only GET and HEAD through and answers anything else 405. A page that
# takes a form declares it with one of these, written UNDER its access decorator so that the access rule is
# checked first. They are Django's decorators that also record the methods on the view (``pontis_methods``), which
# the access decorators, the tests and the access matrix read.

SAFE_METHODS = frozenset({"GET", "HEAD"})


def require_http_methods(methods):
    allowed = frozenset(method.upper() for method in methods)
    if "GET" in allowed:  # HEAD is GET without the body (RFC 9110): a page that answers GET answers HEAD too
        allowed |= {"HEAD"}

    def decorator(view):
        if getattr(view, "pontis_access", None):
            raise ImproperlyConfigured(
                f"{view.__module__}.{view.__name__}: declare the methods under the access decorator, not above it")
        wrapped = django_require_http_methods(sorted(allowed))(view)
        wrapped.pontis_methods = allowed
        return wrapped

    return decorator


require_GET = require_http_methods(["GET"])
require_POST = require_http_methods(["POST"])
require_safe = require_http_methods(sorted(SAFE_METHODS))


def declared_methods(view):
    """The methods a view answers, as its decorators declared them (``None`` for a view Pontis did not write)."""
    return getattr(view, "pontis_methods", None)
