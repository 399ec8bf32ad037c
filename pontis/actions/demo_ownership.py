"""Demo ownership: the demo officer coordinates the African regions and owns the demo's requests and Actions.

Two loaders (registered in apps.py): the coordinators before the intake demo submits its requests (a submitted
request takes its region's coordinator as owner), the owners after the approvals (what is still unowned). Idempotent.
"""

from __future__ import annotations

from pontis.accounts.models import User
from pontis.core import audit
from pontis.core.models import Region
from pontis.intake.models import Request
from pontis.intake.services import request_assign_owner

from .models import Action
from .services import action_assign_owner

DEMO_OFFICER = "officer@pontis.example"
DEMO_ADMIN = "admin@pontis.example"
COORDINATED_REGIONS = ("west_africa", "ces_africa")  # the demo officer is the "Africa desk"


def load_demo_coordinators(stdout):
    officer = User.objects.filter(email=DEMO_OFFICER).first()
    if officer is None:
        return
    for region in Region.objects.filter(code__in=COORDINATED_REGIONS, coordinator__isnull=True):
        with audit.tracking(region, note="demo"):
            region.coordinator = officer
            region.save(update_fields=["coordinator"])
    stdout.write("ownership: regional coordinators set")


def load_demo_owners(stdout):
    officer = User.objects.filter(email=DEMO_OFFICER).first()
    admin = User.objects.filter(email=DEMO_ADMIN).first()
    if officer is None or admin is None:
        return
    made = 0
    for request in Request.objects.filter(owner__isnull=True, submitted_at__isnull=False):
        request_assign_owner(request=request, owner=officer, by=admin)
        made += 1
    for action in Action.objects.filter(owner__isnull=True):
        action_assign_owner(action=action, owner=officer, by=admin)
        made += 1
    stdout.write(f"ownership: {made} owner(s) given")
