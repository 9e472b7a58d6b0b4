"""Swedish alphabetical order (… X, Y, Z, Å, Ä, Ö), whatever the database's collation is.

SQLite and a PostgreSQL created with a non-Swedish locale sort Ä before Å; lists that
are ordered in Python use ``swedish_key`` instead.
"""

_ORDER = str.maketrans(
    {"å": "z\u0001", "ä": "z\u0002", "ö": "z\u0003", "æ": "z\u0002", "ø": "z\u0003", "é": "e", "ü": "y"}
)


def swedish_key(text: str) -> str:
    return text.casefold().translate(_ORDER)
