import rules

from core.predicates import can_change, can_view, is_county_coordinator, is_municipal_officer, is_national_admin

rules.add_perm("municipalities.view_county", can_view)
rules.add_perm("municipalities.change_county", can_change)
rules.add_perm("municipalities.view_municipality", can_view)
rules.add_perm("municipalities.change_municipality", can_change)
rules.add_perm("municipalities.delete_compliancedocument", can_change)
# Who may open the import page; each row is then checked against what the user may change.
rules.add_perm("municipalities.import_key_figures", is_county_coordinator | is_municipal_officer | is_national_admin)
