"""What the demo database offers each role to write to, read straight from the portal's database (psycopg)."""

from __future__ import annotations

import psycopg

SKANE = "12"
OFFICER_MUNICIPALITIES = ("1293", "1281")  # kommun.samordnare's Hässleholm and Lund (portal/demo.py)

_OPEN_MEASURES = """
    SELECT DISTINCT m.id FROM actions_measure m
    JOIN actions_actionplan p ON p.id = m.plan_id
    JOIN municipalities_county c ON c.id = p.county_id
    LEFT JOIN actions_progressupdate u ON u.id = m.latest_update_id
    LEFT JOIN actions_progressstatus s ON s.id = u.status_id
    WHERE c.code = %s AND COALESCE(s.code, '') <> 'cancelled' {extra}
    ORDER BY m.id
"""


def actor_measures(conn: psycopg.Connection, actor: str = "Polisen") -> list[int]:
    """Open measures in Skåne that ``actor`` takes part in: its contact posts progress updates on them."""
    extra = "AND m.id IN (SELECT ma.measure_id FROM actions_measureactor ma JOIN actions_actor a ON a.id = ma.actor_id"
    extra += " WHERE a.name = %s)"
    return [row[0] for row in conn.execute(_OPEN_MEASURES.format(extra=extra), (SKANE, actor))]


def officer_measures(conn: psycopg.Connection) -> list[int]:
    """Open measures in Skåne with one of the officer's municipalities taking part."""
    extra = (
        "AND m.id IN (SELECT mm.measure_id FROM actions_measure_municipalities mm "
        "JOIN municipalities_municipality k ON k.id = mm.municipality_id WHERE k.code = ANY(%s))"
    )
    return [row[0] for row in conn.execute(_OPEN_MEASURES.format(extra=extra), (SKANE, list(OFFICER_MUNICIPALITIES)))]


def officer_pledges(conn: psycopg.Connection) -> list[int]:
    """Published citizen pledges of the officer's municipalities: they take follow-ups."""
    rows = conn.execute(
        "SELECT p.id FROM agreements_citizenpledge p JOIN municipalities_municipality k ON k.id = p.municipality_id "
        "WHERE k.code = ANY(%s) AND p.status = 'published' ORDER BY p.id",
        (list(OFFICER_MUNICIPALITIES),),
    )
    return [row[0] for row in rows]


def county_municipalities(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT k.code FROM municipalities_municipality k JOIN municipalities_county c ON c.id = k.county_id "
        "WHERE c.code = %s ORDER BY k.code",
        (SKANE,),
    )
    return [row[0] for row in rows]


def count_with_marker(conn: psycopg.Connection, table: str, column: str, marker: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table} WHERE {column} LIKE %s", (f"%{marker}%",)).fetchone()[0]  # noqa: S608 - fixed names


def report_states(conn: psycopg.Connection, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Report id → (status, file name, error)."""
    rows = conn.execute("SELECT id, status, file, error FROM portal_report WHERE id = ANY(%s)", (ids,))
    return {row[0]: (row[1], row[2], row[3]) for row in rows}
