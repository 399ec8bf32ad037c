"""Domain errors raised by services. Views turn them into page messages, the API into HTTP answers."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the change. ``message`` is written for the user (translated)."""

    status_code = 400
    default_message = _("This change is not allowed.")

    def __init__(self, message=None, *, code: str = "", field: str | None = None):
        self.message = message or self.default_message
        self.code = code or self.__class__.__name__
        self.field = field
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    status_code = 422
    default_message = _("Some information is missing or not valid.")

    def __init__(self, message=None, *, errors: dict | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.errors = errors or {}


class IllegalTransition(DomainError):
    status_code = 409
    default_message = _("This step is not possible from the current status.")


class Conflict(DomainError):
    status_code = 409
    default_message = _("This conflicts with existing information.")


class NotAllowed(DomainError):
    status_code = 403
    default_message = _("You do not have permission to do this.")
