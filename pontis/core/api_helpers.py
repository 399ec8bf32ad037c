"""What every app's API router shares: bounded input types, paging, lookups by code, and one error mapping.

Input types state every bound the database has, so that a value the database would refuse is refused at the
door with a 422 (and the OpenAPI document says so), never a 500 from the database driver:

- ``Text(max_length)`` / ``model_text(Model, "field")``: no NUL character (PostgreSQL refuses them), no lone
  surrogate (no database can store one), and the column's ``max_length``;
- ``model_int(Model, "field")``: the range of the column's integer type; ``Id`` and the paging offsets stay within
  64-bit integers (SQLite raises ``OverflowError`` above 2**63, PostgreSQL a ``DataError``);
- ``Translations``: a ``{language: text}`` object whose texts are ``Text``.

``PontisAPI`` is the NinjaAPI every router is added to. It maps every error to the same JSON body, ``ErrorOut``
(``{"detail", "code"}`` plus ``field``/``errors`` for invalid input), and writes the statuses each operation can
answer (401, 403, 404, 409, 422...) into the OpenAPI document with that schema.
"""

from __future__ import annotations

import datetime
from functools import wraps
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DataError, IntegrityError, models
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from pydantic import BeforeValidator, StringConstraints

from .errors import DomainError, ValidationFailed
from .models import Country

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

# No NUL, and (pydantic-core refuses them when it checks a pattern) no lone surrogate.
TEXT_PATTERN = r"^[^\x00]*$"


def Text(max_length: int | None = None, *, min_length: int | None = None):  # noqa: N802 (a type factory)
    """A string the database can store: no NUL character, no lone surrogate, at most ``max_length`` characters."""
    return Annotated[str, StringConstraints(pattern=TEXT_PATTERN, max_length=max_length, min_length=min_length)]


# Short codes (reference data, statuses, Action codes); no code column in Pontis is longer.
Code = Text(64)
# Free text without a column limit (TextField): bounded anyway (about ten pages), so that nobody posts a gigabyte.
LONG_TEXT_MAX = 20_000
LongText = Text(LONG_TEXT_MAX)
# Keys of a translated text are language codes; unknown ones are dropped by ``clean_translations``.
Translations = dict[Text(16), Text(2_000)]

Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
IdPath = Annotated[int, Path(ge=1, le=INT64_MAX)]
CodePath = Annotated[str, Path(pattern=TEXT_PATTERN, max_length=64)]
# Python's dates (and so every date column and ``__year`` lookup) run from year 1 to 9999.
Year = Annotated[int, Field(ge=1, le=9999)]
Int32 = Annotated[int, Field(ge=-INT32_MAX - 1, le=INT32_MAX)]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]


def _blank_is_none(value):
    return None if isinstance(value, str) and not value.strip() else value


# An optional date in a query string (YYYY-MM-DD, years 1 to 9999): an empty value means "not given", as an HTML form
# or a hand-written link sends it (``?from=&to=2024-12-31``).
OptionalDate = Annotated[datetime.date | None, BeforeValidator(_blank_is_none)]

_INTEGER_RANGES = (
    # (field class, min, max); subclasses first. Django's own ranges per backend differ a little; these hold for all.
    (models.PositiveSmallIntegerField, 0, 32767),
    (models.PositiveBigIntegerField, 0, INT64_MAX),
    (models.PositiveIntegerField, 0, INT32_MAX),
    (models.SmallIntegerField, -32768, 32767),
    (models.BigIntegerField, -INT64_MAX - 1, INT64_MAX),
    (models.IntegerField, -INT32_MAX - 1, INT32_MAX),
)


def _field(model, name):
    return model._meta.get_field(name)


def model_text(model, name: str, *, min_length: int | None = None):
    """``Text`` bounded by the model field's ``max_length`` (a translated field's ``max_length_per_language``;
    ``LongText``'s bound for a ``TextField``)."""
    field = _field(model, name)
    max_length = getattr(field, "max_length", None) or getattr(field, "max_length_per_language", None) or LONG_TEXT_MAX
    return Text(max_length, min_length=min_length)


def model_int(model, name: str, *, ge: int | None = None, le: int | None = None):
    """An integer within the range of the model field's column (narrowed by ``ge``/``le`` when given)."""
    field = _field(model, name)
    ranges = [(low, high) for klass, low, high in _INTEGER_RANGES if isinstance(field, klass)]
    if not ranges:
        raise TypeError(f"{model.__name__}.{name} is not an integer field")
    low, high = ranges[0]
    validators_min = [v.limit_value for v in field.validators if v.__class__.__name__ == "MinValueValidator"]
    validators_max = [v.limit_value for v in field.validators if v.__class__.__name__ == "MaxValueValidator"]
    low = max([low, *validators_min, *([ge] if ge is not None else [])])
    high = min([high, *validators_max, *([le] if le is not None else [])])
    return Annotated[int, Field(ge=low, le=high)]


# ---------------------------------------------------------------- paging


class Paging(LimitOffsetPagination):
    """``limit``/``offset`` paging whose bounds are stated: an offset past 64 bits is a 422, not a 500."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=INT64_MAX - settings.NINJA_PAGINATION_MAX_LIMIT)


class LazyRows:
    """Let the paginator slice the queryset first, then shape only that page's rows (one query per page)."""

    def __init__(self, queryset, shape):
        self.queryset, self.shape = queryset, shape

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        return [self.shape(row) for row in self.queryset[item]]


def answered_as_built(router):
    """Let a paginated list of ``router`` (``@paginate``) answer the schema it built its rows in
    (``Schema.model_construct``): django-ninja dumps an instance of the page's schema as it is, where it would
    validate a dict again field by field through its ``DjangoGetter`` (170 to 350 Python calls per row). The
    declared schemas, and so the OpenAPI document, are the same; the rows must be built from the schema's own types
    (each route's tests compare the bytes with those of the validated answer)."""

    def decorate(view):
        @wraps(view)
        def answer(request, **kwargs):
            page = view(request, **kwargs)
            return _page_schema(router, answer).model_construct(**page)

        return answer

    return decorate


_page_schemas: dict = {}


def _page_schema(router, view) -> type:
    """The ``Paged<Item>`` schema ``@paginate`` made for ``view`` (once per process, from the router's operation)."""
    schema = _page_schemas.get(view)
    if schema is None:
        (schema,) = {operation.response_models[200].model_fields["response"].annotation
                     for path_view in router.path_operations.values() for operation in path_view.operations
                     if operation.view_func is view}
        _page_schemas[view] = schema
    return schema


# ---------------------------------------------------------------- lookups by code


def _normalise(model, value):
    return value.upper() if model is Country and isinstance(value, str) else value


def by_codes(model_or_queryset, values, *, field: str, key: str = "code") -> list:
    """The objects for ``values`` (codes, or ``key`` values), in the order given; an unknown value is a 422 naming it."""
    queryset = model_or_queryset if isinstance(model_or_queryset, models.QuerySet) else model_or_queryset._default_manager.all()
    model = queryset.model
    values = list(dict.fromkeys(_normalise(model, v) for v in (values or [])))
    found = {str(getattr(obj, key)): obj for obj in queryset.filter(**{f"{key}__in": values})}
    missing = [str(v) for v in values if str(v) not in found]
    if missing:
        message = _("Unknown values: %(values)s") % {"values": ", ".join(missing)}
        raise ValidationFailed(message, field=field, errors={field: [message]})
    return [found[str(v)] for v in values]


def by_code(model_or_queryset, value, *, field: str, key: str = "code"):
    """One object by code, ``None`` for ``None``; an unknown code is a 422 naming it."""
    if value is None:
        return None
    return by_codes(model_or_queryset, [value], field=field, key=key)[0]


# ---------------------------------------------------------------- errors


class ErrorOut(Schema):
    """Every error the API answers: a translated ``detail``, a stable ``code``, and for invalid input the fields."""

    detail: str
    code: str
    field: str | None = None
    errors: Any = None


def error_body(detail, code: str, **extra) -> dict:
    return {"detail": str(detail), "code": code, **{k: v for k, v in extra.items() if v is not None}}


# The statuses an operation may answer besides its own success statuses: every operation can be refused (403),
# miss its object (404) and get invalid input (422); writes can also conflict (409) or break a domain rule (400).
_READ_ERRORS = (403, 404, 422)
_WRITE_ERRORS = (400, 403, 404, 409, 422)
_DESCRIPTIONS = {
    400: "The change breaks a rule of the domain",
    401: "No valid token or session",
    403: "Not allowed for this person",
    404: "Not found, or not visible to this person",
    409: "Not possible from the current status, or conflicts with existing data",
    422: "The input is not valid",
}


class PontisAPI(NinjaAPI):
    """The API root: one error mapping and a document that declares every error status with ``ErrorOut``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for exc_class, handler in (
            (DomainError, self._domain_error),
            (Http404, self._not_found),
            (PermissionDenied, self._forbidden),
            (AuthenticationError, self._unauthenticated),
            (HttpError, self._http_error),
            (NinjaValidationError, self._invalid_input),
            (IntegrityError, self._integrity_error),
            (DataError, self._data_error),
        ):
            self.add_exception_handler(exc_class, handler)

    def _domain_error(self, request, exc: DomainError):
        errors = None
        if isinstance(exc, ValidationFailed) and exc.errors:
            errors = {k: [str(m) for m in v] if isinstance(v, (list, tuple)) else str(v) for k, v in exc.errors.items()}
        return self.create_response(request, error_body(exc.message, exc.code, field=exc.field, errors=errors),
                                    status=exc.status_code)

    def _not_found(self, request, exc):
        return self.create_response(request, error_body(_("Not found."), "not_found"), status=404)

    def _forbidden(self, request, exc):
        return self.create_response(request, error_body(_("You do not have permission to do this."), "NotAllowed"), status=403)

    def _unauthenticated(self, request, exc):
        return self.create_response(request, error_body(_("Authentication required."), "unauthenticated"), status=401)

    def _http_error(self, request, exc: HttpError):
        # Raised by django-ninja itself, e.g. 400 for a body that is not JSON at all.
        code = {400: "bad_request", 429: "throttled"}.get(exc.status_code, "error")
        detail = _("The request body could not be read.") if exc.status_code == 400 else str(exc)
        return self.create_response(request, error_body(detail, code), status=exc.status_code)

    def _invalid_input(self, request, exc):
        errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors]
        return self.create_response(request, error_body(_("The request is not valid."), "invalid", errors=errors), status=422)

    def _integrity_error(self, request, exc):
        # A uniqueness or reference rule the database enforced that no service checked first: the input conflicts
        # with existing data. The transaction of the service has been rolled back.
        return self.create_response(request, error_body(_("This conflicts with existing information."), "conflict"), status=409)

    def _data_error(self, request, exc):
        # A value the column cannot hold (too long, out of range) that no schema bound caught.
        return self.create_response(request, error_body(_("A value is too long or out of range."), "invalid"), status=422)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        ref = {"$ref": "#/components/schemas/ErrorOut"}
        for operations in document["paths"].values():
            for method, operation in operations.items():
                statuses = _READ_ERRORS if method == "get" else _WRITE_ERRORS
                if operation.get("security"):
                    statuses = (401, *statuses)
                responses = operation.setdefault("responses", {})
                for status in statuses:
                    responses.setdefault(status, {
                        "description": _DESCRIPTIONS[status], "content": {"application/json": {"schema": ref}}})
        return document


def model_choice(model, name: str):
    """The values of the model field's ``choices`` as an enum (``Literal``) in the schema."""
    values = tuple(value for value, _label in _field(model, name).flatchoices)
    return Literal[values]
