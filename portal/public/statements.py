"""The public site's accessibility statement (DIGG's form) and privacy notice: the rows administrators
edit on the admin site, or, where none is saved for the language, the text first written (which the
migration ``portal.0008_default_statements`` saved), and the test facts the project's own checks give.
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path

from django.conf import settings

from portal.models import AccessibilityStatement, Compliance, PrivacyNotice

MADE_ON = datetime.date(2026, 12, 4)
ADDRESS = "kontakt@trygghetsportalen.se"

STATEMENTS = {
    "sv": {
        "how_accessible": (
            "Vi som står bakom Trygghetsportalen vill att så många som möjligt ska kunna använda de öppna "
            "sidorna om medborgarlöften och brottsförebyggande arbete. Här beskriver vi hur sidorna uppfyller "
            "lagen om tillgänglighet till digital offentlig service, vilka brister vi känner till och hur du "
            "kan rapportera brister till oss så att vi kan åtgärda dem."
        ),
        "if_you_cannot": (
            "Om du behöver innehåll från webbplatsen som inte är tillgängligt för dig, men som omfattas av "
            "lagen, kan du skriva till oss. Vi hjälper dig att få innehållet på ett annat sätt."
        ),
        "report_shortcomings": (
            "Vi arbetar hela tiden med att förbättra webbplatsens tillgänglighet. Om du upptäcker problem som "
            "inte beskrivs här, eller om du anser att vi inte uppfyller lagens krav, skriv till oss så att vi "
            "får veta att problemet finns."
        ),
        "supervision": (
            "Myndigheten för digital förvaltning (DIGG) har ansvaret för tillsyn över lagen om tillgänglighet "
            "till digital offentlig service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du "
            "kontakta DIGG och påtala det. Du anmäler på DIGG:s webbplats, digg.se."
        ),
        "technical_information": (
            "Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig service, på "
            "grund av de brister som beskrivs nedan. Vi följer standarden EN 301 549, som motsvarar nivå AA i "
            "WCAG 2.1."
        ),
        "inaccessible_content": (
            "Dokument som kommuner, Polisen och länsstyrelser laddar upp, till exempel PDF-filer, kan sakna "
            "rubriker och taggar, eftersom vi inte själva framställer dem."
        ),
        "test_method": (
            "Sidorna kontrolleras automatiskt vid varje ändring av webbplatsen, och vi har gått igenom dem med "
            "tangentbord och skärmläsare."
        ),
    },
    "en": {
        "how_accessible": (
            "We who stand behind Trygghetsportalen want as many people as possible to be able to use its public "
            "pages on citizen pledges and crime prevention. This statement describes how the pages comply with "
            "the law on accessibility of digital public services, the shortcomings we know of, and how you can "
            "report shortcomings to us so that we can fix them."
        ),
        "if_you_cannot": (
            "If you need content from the site that is not accessible to you, but is covered by the law, write "
            "to us. We help you get the content in another way."
        ),
        "report_shortcomings": (
            "We keep improving the site's accessibility. If you find a problem not described here, or think we "
            "do not meet the law's requirements, write to us so that we know of the problem."
        ),
        "supervision": (
            "The Agency for Digital Government (DIGG) supervises the law on accessibility of digital public "
            "services. If you are not satisfied with how we handle your feedback, you can contact DIGG and "
            "complain. You file the complaint on DIGG's website, digg.se."
        ),
        "technical_information": (
            "The site is partly compliant with the law on accessibility of digital public services, because of "
            "the shortcomings described below. We follow the standard EN 301 549, which corresponds to level AA "
            "of WCAG 2.1."
        ),
        "inaccessible_content": (
            "Documents uploaded by municipalities, the Police and county administrative boards, for example PDF "
            "files, may lack headings and tags, since we do not produce them ourselves."
        ),
        "test_method": (
            "The pages are checked automatically at every change of the site, and we have gone through them "
            "with a keyboard and a screen reader."
        ),
    },
}

NOTICES = {
    "sv": (
        "# Vad vi sparar om dig som besöker de öppna sidorna\n"
        "De öppna sidorna sätter inga kakor och kräver ingen inloggning. Vi sparar inget om vem du är. "
        "Webbservern kan för driftens och säkerhetens skull tillfälligt spara din IP-adress och vilken sida du "
        "besökte.\n\n"
        "# Personuppgifter på sidorna\n"
        "På sidorna visas namn och titel på dem som har undertecknat en samverkansöverenskommelse, så som det "
        "står i överenskommelsen. Det är allmänna handlingar. Vi visar aldrig e-postadresser eller "
        "telefonnummer till tjänstepersoner.\n\n"
        "# Dina rättigheter\n"
        "Du har rätt att få veta vilka personuppgifter vi har om dig, att få fel rättade och att klaga hos "
        "Integritetsskyddsmyndigheten (IMY)."
    ),
    "en": (
        "# What we keep about you when you visit the public pages\n"
        "The public pages set no cookies and need no sign-in. We keep nothing about who you are. For running "
        "the site and its security, the web server may briefly keep your IP address and the page you visited."
        "\n\n"
        "# Personal data on the pages\n"
        "The pages show the names and titles of those who signed a cooperation agreement, as printed in the "
        "agreement. These are public records. We never show the e-mail addresses or telephone numbers of "
        "officials.\n\n"
        "# Your rights\n"
        "You have the right to know which personal data we hold about you, to have errors corrected, and to "
        "complain to the Swedish Authority for Privacy Protection (IMY)."
    ),
}


def statement_for(language: str) -> AccessibilityStatement:
    saved = AccessibilityStatement.objects.filter(language=language).first()
    if saved is not None:
        return saved
    texts = STATEMENTS.get(language, STATEMENTS["sv"])
    return AccessibilityStatement(
        language=language,
        compliance=Compliance.PARTLY,
        feedback_email=ADDRESS,
        tested_on=MADE_ON,
        made_on=MADE_ON,
        **texts,
    )


def notice_for(language: str) -> PrivacyNotice:
    saved = PrivacyNotice.objects.filter(language=language).first()
    if saved is not None:
        return saved
    return PrivacyNotice(language=language, text=NOTICES.get(language, NOTICES["sv"]), contact_email=ADDRESS)


def sections(text: str) -> list[tuple[str, list[str]]]:
    """The notice's text as (heading, paragraphs): a line starting with "#" begins a section, an empty
    line separates paragraphs."""
    result: list[tuple[str, list[str]]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("#"):
            result.append((lines[0].lstrip("#").strip(), []))
            lines = lines[1:]
        if not result:
            result.append(("", []))
        if lines:
            result[-1][1].append(" ".join(lines))
    return result


CHECKERS = {"axe": "axe-core", "vnu": "vnu-jar"}


@cache
def check_facts() -> dict[str, str]:
    """The versions of the checkers the project's browser tests run on every public page kind
    (axe-core for WCAG 2.1 A and AA, the W3C Nu HTML Checker), as the lock file pins them."""
    try:
        lock = json.loads((Path(settings.BASE_DIR) / "package-lock.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    packages = lock.get("packages", {})
    versions = {key: packages.get(f"node_modules/{name}", {}).get("version", "") for key, name in CHECKERS.items()}
    return versions if all(versions.values()) else {}
