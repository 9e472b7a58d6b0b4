"""A county coordinator requests a report, watches it being produced, and downloads the PDF."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.factories import PASSWORD, ActionPlanFactory, MeasureActorFactory, MeasureFactory, progress_update
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_coordinator_requests_watches_and_downloads_a_report(page, a11y, world, worker_media):
    plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott")
    measure = MeasureFactory(plan=plan, number=1, title="Utvecklad avhopparverksamhet i Skåne")
    MeasureActorFactory(measure=measure, actor=world.police, role="lead")
    progress_update(measure, status_code="on_track", percent=40)

    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Rapporter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägesrapporter: Skåne län")
    expect(page.get_by_text("Ingen rapport har tagits fram ännu.")).to_be_visible()
    a11y.check(page)

    page.get_by_label("Period från").fill("2026-07-01")
    page.get_by_label("Period till").fill("2026-09-30")
    page.get_by_role("button", name="Producera en ny rapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägesrapport för länet: Skåne län")
    # One message at a time: the report's own status (queued, then being produced), no notice beside it.
    messages = page.get_by_role("main").locator(".alert")
    expect(messages).to_have_count(1)
    a11y.check(page)

    # htmx polls the status until the worker has produced the PDF.
    download_link = page.get_by_role("link", name="Ladda ner rapporten (PDF)")
    expect(download_link).to_be_visible(timeout=60_000)
    expect(page.locator("#report-status")).to_contain_text("Rapporten är klar")
    expect(messages).to_have_count(1)
    a11y.check(page)

    with page.expect_download() as download_info:
        download_link.click()
    pdf = PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read()))  # noqa: SIM115
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Utvecklad avhopparverksamhet i Skåne" in text
    assert "Polisen" in text

    page.get_by_role("link", name="Lägesrapporter: Skåne län").click()
    expect(page.get_by_role("table")).to_contain_text("Karin")
    a11y.check(page)
