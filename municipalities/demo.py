"""Demo facts for the municipalities of Skåne: councils, coordinators, key figures, compliance.

Populations are rounded public figures; reported crimes are illustrative values chosen
so that, as the local press wrote in 2018, Hässleholm is the fifth largest municipality
of Skåne by population and the sixth by reported crimes.
"""

import datetime

from django.db import transaction

from municipalities.models import (
    ComplianceItem,
    ComplianceState,
    Coordinator,
    CouncilMember,
    CouncilMemberKind,
    KeyFigure,
    Municipality,
    Obligation,
)
from municipalities.services import base_kinds, year_rows

# code: (population 2024, reported crimes per 100 000 inhabitants)
SKANE_FIGURES = {
    "1280": (362000, 16000),  # Malmö
    "1283": (151000, 13000),  # Helsingborg
    "1281": (128000, 11500),  # Lund
    "1290": (87000, 11000),  # Kristianstad
    "1293": (53000, 12000),  # Hässleholm
    "1282": (46500, 14500),  # Landskrona
    "1287": (46500, 12500),  # Trelleborg
    "1292": (43500, 9000),  # Ängelholm
    "1233": (37500, 7000),  # Vellinge
    "1285": (34500, 9500),  # Eslöv
    "1261": (32500, 8000),  # Kävlinge
    "1286": (31000, 10500),  # Ystad
    "1284": (27500, 8500),  # Höganäs
    "1230": (26000, 8200),  # Staffanstorp
    "1262": (25000, 6500),  # Lomma
    "1263": (22500, 8800),  # Svedala
    "1231": (20000, 12000),  # Burlöv
    "1265": (19500, 8300),  # Sjöbo
    "1291": (19000, 8700),  # Simrishamn
    "1276": (17500, 9600),  # Klippan
    "1264": (17000, 8400),  # Skurup
    "1267": (17000, 8100),  # Höör
    "1277": (16500, 10800),  # Åstorp
    "1260": (16000, 10200),  # Bjuv
    "1266": (16000, 8000),  # Hörby
    "1278": (15500, 7600),  # Båstad
    "1256": (15000, 8600),  # Östra Göinge
    "1214": (14500, 7900),  # Svalöv
    "1270": (13500, 8200),  # Tomelilla
    "1273": (13000, 8100),  # Osby
    "1272": (12800, 9300),  # Bromölla
    "1257": (10500, 7800),  # Örkelljunga
    "1275": (7500, 9400),  # Perstorp
}
YEARS = (2021, 2022, 2023, 2024)

HASSLEHOLM_COUNCIL = [
    ("", "Kommunstyrelsen", CouncilMemberKind.MUNICIPAL_BOARD, "ordförande"),
    ("", "Kommunfullmäktige, oppositionen", CouncilMemberKind.POLITICIAN, "ledamot"),
    ("", "Socialförvaltningen", CouncilMemberKind.ADMINISTRATION, "förvaltningschef"),
    ("", "Barn- och utbildningsförvaltningen", CouncilMemberKind.ADMINISTRATION, "förvaltningschef"),
    ("", "Tekniska förvaltningen", CouncilMemberKind.ADMINISTRATION, "förvaltningschef"),
    ("", "Räddningstjänsten", CouncilMemberKind.RESCUE_SERVICE, "räddningschef"),
    ("Veronica Gustafsson", "Polisen, lokalpolisområde Hässleholm", CouncilMemberKind.POLICE, "kommunpolis"),
    (
        "Annica Nilsson",
        "Kommunledningsförvaltningen",
        CouncilMemberKind.ADMINISTRATION,
        "brottsförebyggande samordnare",
    ),
]

PROFILES = {
    "1293": {
        "police_area": "Lokalpolisområde Hässleholm",
        "council_name": "Brottsförebyggande rådet i Hässleholm",
        "council_description": "Rådet samlar kommunens förvaltningar, räddningstjänsten, kommunstyrelsen, "
        "politiker och polisen. Kommunen arbetar sedan flera år efter lokala medborgarlöften.",
        "description": "Hässleholm är till befolkningen den femte största kommunen i Skåne.",
    },
    "1281": {
        "police_area": "Lokalpolisområde Lund",
        "council_name": "Brottsförebyggande rådet i Lund",
        "description": "Lund har en samverkansöverenskommelse med Polisen för 2024–2027 med fem fokusområden.",
    },
}

COORDINATORS = {
    "1293": [("Annica Nilsson", "Brottsförebyggande samordnare", "annica.nilsson@hassleholm.example.se")],
    "1281": [
        ("Sara Lindberg", "Samordnare för trygghet och brottsförebyggande arbete", "sara.lindberg@lund.example.se")
    ],
}


def _compliance_for(index: int, obligation_index: int, obligation: str) -> dict | None:
    """A deterministic mix so that every state appears in every row of the matrix."""
    kind = (index + obligation_index) % 5
    if kind == 0:
        return None
    fields: dict = {"status": ComplianceState.IN_PROGRESS if kind == 1 else ComplianceState.IN_PLACE}
    if kind in (2, 3):
        fields["date"] = datetime.date(2024 - kind + 2, 3 + index % 9, 1 + index % 27)
    elif kind == 4:
        fields["date"] = datetime.date(2018, 5, 1 + index % 27)  # in place once, now outdated
    if obligation == Obligation.SITUATION_ANALYSIS and kind >= 2:
        fields.update(covers_mapping=True, covers_consequences=kind != 3, covers_analysis=kind == 2)
    if obligation == Obligation.ACTION_PROGRAMME and kind >= 2:
        start = fields["date"].year
        fields.update(decided_by="Kommunfullmäktige", period_start=start, period_end=start + 3)
    if obligation == Obligation.COORDINATING_FUNCTION and kind >= 2:
        fields["responsible"] = "Brottsförebyggande samordnare på kommunledningsförvaltningen"
    return fields


def _profiles(municipalities: dict[str, Municipality]) -> None:
    for code, profile in PROFILES.items():
        municipality = municipalities[code]
        if not municipality.council_name:
            for key, value in profile.items():
                setattr(municipality, key, value)
            municipality.save()
    hassleholm = municipalities["1293"]
    if not hassleholm.council_members.exists():
        for name, organisation, kind, role in HASSLEHOLM_COUNCIL:
            CouncilMember.objects.create(
                municipality=hassleholm, name=name, organisation=organisation, kind=kind, role=role
            )
    for code, people in COORDINATORS.items():
        if not municipalities[code].coordinators.exists():
            for name, title, email in people:
                Coordinator.objects.create(municipality=municipalities[code], name=name, title=title, email=email)


def _key_figures(municipalities: dict[str, Municipality]) -> None:
    existing = set(
        KeyFigure.objects.filter(municipality__in=municipalities.values()).values_list("municipality__code", "year")
    )
    kinds = base_kinds()
    new_figures = []
    for code, (population, rate) in SKANE_FIGURES.items():
        for step, year in enumerate(reversed(YEARS)):
            if (code, year) in existing:
                continue
            people = round(population * (1 - 0.008 * step), -1)
            crimes = round(people * (rate * (1 + 0.03 * ((step + int(code)) % 3 - 1))) / 100000)
            new_figures += year_rows(kinds, municipalities[code], year, int(people), crimes)
    KeyFigure.objects.bulk_create(new_figures)


def _compliance(municipalities: dict[str, Municipality]) -> None:
    have = set(
        ComplianceItem.objects.filter(municipality__in=municipalities.values()).values_list(
            "municipality__code", "obligation"
        )
    )
    for index, code in enumerate(sorted(SKANE_FIGURES)):
        for obligation_index, obligation in enumerate(Obligation.values):
            fields = _compliance_for(index, obligation_index, obligation)
            if fields is not None and (code, obligation) not in have:
                ComplianceItem.objects.create(municipality=municipalities[code], obligation=obligation, **fields)


@transaction.atomic
def load_municipalities_demo() -> None:
    """Idempotent: only adds what is missing, never overwrites what users changed."""
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=SKANE_FIGURES)}
    _profiles(municipalities)
    _key_figures(municipalities)
    _compliance(municipalities)
