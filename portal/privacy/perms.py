"""The named permissions of the personal-data pages; ``rules.py`` says who holds them."""

VIEW_PERSONAL_DATA = "privacy.view_personremoval"  # the register, a person's records and export
REMOVE_PERSONAL_DATA = "privacy.add_personremoval"  # removing a person's personal data
