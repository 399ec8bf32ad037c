"""Every route Pontis answers: the pages from Django's URL resolver and the API's operations from its OpenAPI document."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "/api/v1/"
PAGE_METHODS = ("GET", "POST")  # a page answers GET, and POST where it has a form; anything else it must refuse
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<rname>[^>]+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    key: str  # the table's row: "intake:detail" for a page, "/api/v1/requests/{pk}" for an API path
    pattern: str  # the path with its parameters, e.g. "/requests/<int:pk>/"
    params: tuple[str, ...]
    methods: tuple[str, ...]
    is_api: bool = False
    bodies: tuple = ()  # (method, JSON body) for the API: the smallest body its schema accepts

    def path(self, **kwargs) -> str:
        missing = set(self.params) - set(kwargs)
        if missing:
            raise KeyError(f"{self.key}: no sample for {', '.join(sorted(missing))}")

        def put(match):
            return str(kwargs[match.group("name") or match.group("rname")])

        path = _PARAM.sub(put, self.pattern)
        if self.is_api:
            path = re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), path)
        return path.replace("^", "").replace("$", "")


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{namespace}:{p.name}" if namespace else p.name) if p.name else None


def _params(pattern: str) -> tuple[str, ...]:
    return tuple(m.group("name") or m.group("rname") for m in _PARAM.finditer(pattern))


def page_routes(api_paths: set[str]) -> list[Route]:
    """Every URL pattern, except the API operations (they come from the OpenAPI document with their methods).

    Unnamed patterns (the admin's old-style object redirects) are keyed by their pattern."""
    routes = []
    for pattern, name in _walk(get_resolver().url_patterns):
        path = "/" + pattern
        if path.startswith(API_PREFIX):
            template = re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", path)
            if template in api_paths:
                continue
        routes.append(Route(key=name or path, pattern=path, params=_params(path), methods=PAGE_METHODS))
    return routes


def minimal(schema: dict, components: dict):
    """The smallest value ``schema`` accepts: required fields only, each with a plain sample of its type.

    So that the API's body validation (which runs before the view) lets the request reach the access decision."""
    if "$ref" in schema:
        return minimal(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            return minimal(schema[combined][0], components)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: minimal(props.get(name, {}), components) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2030-01-02"
    if schema.get("format") == "date-time":
        return "2030-01-02T10:00:00Z"
    return "x"


def api_routes(openapi: dict) -> list[Route]:
    routes = []
    components = openapi.get("components", {}).get("schemas", {})
    for path, operations in sorted(openapi["paths"].items()):
        methods = tuple(m.upper() for m in operations if m.lower() in {"get", "post", "put", "patch", "delete"})
        params = tuple(re.findall(r"\{(\w+)\}", path))
        bodies = []
        for method, op in operations.items():
            schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if schema is not None:
                bodies.append((method.upper(), minimal(schema, components)))
        routes.append(Route(key=path, pattern=path, params=params, methods=methods, is_api=True, bodies=tuple(bodies)))
    return routes


def all_routes() -> list[Route]:
    from config.api import api

    openapi = api.get_openapi_schema()
    return api_routes(openapi) + page_routes(set(openapi["paths"]))
