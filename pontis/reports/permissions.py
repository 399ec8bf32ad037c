"""Who reads the facility's figures, who builds the annual report, who sees the IATI check.

- The dashboards, their exports and the statistics API: staff (administrators and programme officers),
  steering-committee members and donor observers (docs/roles.md: observers see aggregate figures). Observers never
  see a breakdown of fewer than five people and no personal data (no names in any table or export).
- The annual report: staff start and cancel builds; every dashboard reader may download a finished one.
- The IATI check page (the Actions left out of the open-data file and what to fix): staff. The IATI file itself is
  public: it holds only what the facility publishes.
"""

from pontis.core.permissions import Policy, register
from pontis.core.roles import Role, has_any_role, is_staff

from .models import IatiRecord, ReportJob

READERS = (Role.ADMIN, Role.OFFICER, Role.COMMITTEE, Role.OBSERVER)


class Dashboard:
    """The figures are no table: the dashboard policy is registered for this marker type."""


def reads_figures(user) -> bool:
    return has_any_role(user, *READERS)


def sees_small_numbers(user) -> bool:
    """Everyone who reads figures but donor observers."""
    return has_any_role(user, Role.ADMIN, Role.OFFICER, Role.COMMITTEE)


@register
class DashboardPolicy(Policy):
    model = Dashboard

    def visible_to(self, user):
        return []

    def can_view(self, user, obj=None):
        return reads_figures(user)

    def can_export(self, user, obj=None):
        return reads_figures(user)

    def can_see_small_numbers(self, user, obj=None):
        return sees_small_numbers(user)

    def can_see_personal_data(self, user, obj=None):
        return is_staff(user)


@register
class ReportJobPolicy(Policy):
    model = ReportJob

    def visible_to(self, user):
        if not reads_figures(user):
            return ReportJob.objects.none()
        if is_staff(user):
            return ReportJob.objects.all()
        # Readers who are not staff see finished annual reports only, never someone's export.
        return ReportJob.objects.filter(kind=ReportJob.Kind.ANNUAL_REPORT, status=ReportJob.Status.DONE)

    def can_create(self, user, obj=None):
        return is_staff(user)

    def can_cancel(self, user, obj=None):
        return is_staff(user)

    def can_download(self, user, obj=None):
        return reads_figures(user) and (is_staff(user) or (
            obj is not None and obj.kind == ReportJob.Kind.ANNUAL_REPORT and obj.status == ReportJob.Status.DONE))


@register
class IatiRecordPolicy(Policy):
    model = IatiRecord

    def visible_to(self, user):
        return IatiRecord.objects.all() if is_staff(user) else IatiRecord.objects.none()

    def can_view(self, user, obj=None):
        return is_staff(user)

    def can_check(self, user, obj=None):
        return is_staff(user)
