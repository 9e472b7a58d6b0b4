"""Who holds each permission of ``municipalities/perms.py``."""

import rules

from core.predicates import can_change, can_view, is_county_coordinator, is_municipal_officer, is_national_admin
from municipalities import perms

rules.add_perm(perms.VIEW_COUNTY, can_view)
rules.add_perm(perms.CHANGE_COUNTY, can_change)
rules.add_perm(perms.VIEW_MUNICIPALITY, can_view)
rules.add_perm(perms.CHANGE_MUNICIPALITY, can_change)
rules.add_perm(perms.DELETE_COMPLIANCEDOCUMENT, can_change)
rules.add_perm(perms.IMPORT_KEYFIGURE, is_county_coordinator | is_municipal_officer | is_national_admin)
rules.add_perm(perms.CHANGE_FOLLOWEDKEYFIGURE, can_change)
rules.add_perm(perms.CHANGE_KEYFIGUREIMPORT, can_change)
