import rules

from portal.rules import can_change, can_view

rules.add_perm("municipalities.view_county", can_view)
rules.add_perm("municipalities.change_county", can_change)
rules.add_perm("municipalities.view_municipality", can_view)
rules.add_perm("municipalities.change_municipality", can_change)
