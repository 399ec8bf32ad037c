"""Who reads the feedback indicators (aggregate figures, never a person's answers).

- Staff (administrators and programme officers), steering-committee members and donor observers read the
  figures: docs/roles.md gives observers "aggregate figures" and the committee reads every Action.
- Partner focal points, experts and EU Delegations do not: their own Action's figures rest on a handful of
  colleagues' answers, and the review is the facility's, not the partner's.
- Only administrators see figures behind fewer than five respondents (``see_small_numbers``).
- Filtering by an activity or an Action also needs that object to be visible (``get_visible_or_404``): an
  observer, who sees no single Action, gets the aggregate figures only.
"""

from pontis.core.permissions import Policy, register
from pontis.core.roles import Role, has_any_role

from .indicators import Indicators, sees_small_numbers

READERS = (Role.ADMIN, Role.OFFICER, Role.COMMITTEE, Role.OBSERVER)


@register
class IndicatorsPolicy(Policy):
    """The indicators are no table: the policy is registered for the ``Indicators`` answer type."""

    model = Indicators

    def visible_to(self, user):  # no rows: figures are computed, not stored
        return []

    def can_view(self, user, obj=None):
        return has_any_role(user, *READERS)

    def can_export(self, user, obj=None):
        return has_any_role(user, *READERS)

    def can_see_small_numbers(self, user, obj=None):
        return sees_small_numbers(user)
