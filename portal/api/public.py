"""What the API serves, in one place: public material for anonymous callers, the user's
scope for a token.

Public (no token) is what the public site shows too, read through the same QuerySet methods
(``Model.objects.public()``, see ``portal/public/queries.py``):

- counties and municipalities: all of them, with each municipality's compliance states
  (one per obligation of Lag (2023:196), derived with ``compliance_state``) and its latest
  key figures;
- regional action plans with status *active* or *completed*, with all their measures
  (``CountyPartQuerySet.public_q``);
- citizen pledges with status *published* (``PledgeQuerySet.public_q``);
- cooperation agreements with status *active* or *ended* (``AgreementQuerySet.public_q``).

Drafts and archived plans are never public. With a token the same endpoints return
``Model.objects.visible_to(token.user)``: exactly what the user sees in the portal, so an
officer's token also lists the drafts of the officer's municipality, a draft action plan is
listed for its county's coordinators only, and a user whose grants cover one county sees that
county only (a national administrator sees everything).
"""

from __future__ import annotations

from actions.models import ActionPlan
from agreements.models import CitizenPledge, CooperationAgreement
from municipalities.models import County, Municipality

PUBLIC = {
    County: County.objects.all,
    Municipality: Municipality.objects.all,
    ActionPlan: ActionPlan.objects.public,
    CitizenPledge: CitizenPledge.objects.public,
    CooperationAgreement: CooperationAgreement.objects.public,
}


def readable(model, request):
    """The rows of ``model`` the request may read: its token user's scope, or public material."""
    if request.auth is not None:
        return model.objects.visible_to(request.user)
    return PUBLIC[model]()
