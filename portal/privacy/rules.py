"""Who holds the personal-data permissions: the national administrators alone."""

import rules

from core.predicates import is_national_admin
from portal.privacy import perms

rules.add_perm(perms.VIEW_PERSONAL_DATA, is_national_admin)
rules.add_perm(perms.REMOVE_PERSONAL_DATA, is_national_admin)
