import rules

from portal.rules import can_change, can_view

rules.add_perm("actions.view_actor", can_view)
rules.add_perm("actions.change_actor", can_change)
