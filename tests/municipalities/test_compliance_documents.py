"""Who opens a compliance document: chosen at upload, "the municipality and the county's
coordinators" unless the municipality shares it with everyone signed in in the county.

A lägesbild can hold what is not for every actor, so a document is kept to Lund's officers and
Skåne's coordinators (and the national administrators) by default, also those stored before the
choice existed. The municipality page lists only what the reader may open; the others get a 404.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.roles import Role
from municipalities.models import ComplianceDocument, DocumentVisibility
from portal.models import Grant
from tests.factories import MINIMAL_PDF, ComplianceItemFactory, UserFactory, compliance_document
from tests.parsed import find_all, labels, links, main, page, text

pytestmark = pytest.mark.django_db

# Lund's officers, Skåne's coordinators and the national administrators open every document of Lund.
KEEPERS = ["municipal_officer", "county_coordinator", "national_admin"]
# The rest of Skåne opens only what Lund shares with the county.
REST_OF_COUNTY = ["actor_contact", "steering_group"]
COMPLIANCE_URL = "/kommuner/1281/efterlevnad/situation_analysis/"


def upload(client, name: str, **choice):
    data = {
        "status": "in_place",
        "date": "2025-08-30",
        "covers_mapping": "on",
        "document": SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf"),
        **choice,
    }
    response = client.post(COMPLIANCE_URL, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return ComplianceDocument.objects.get(original_name=name)


def compliance_section(client, code: str = "1281"):
    root = page(client.get(f"/kommuner/{code}/"))
    return next(find_all(main(root), "section", **{"aria-labelledby": "compliance-heading"}))


@pytest.fixture
def officer(client_as):
    return client_as("municipal_officer")


def test_the_upload_form_asks_who_may_open_the_document_and_keeps_it_to_the_municipality_by_default(officer):
    form = main(page(officer.get(COMPLIANCE_URL)))
    choices = {i.get("value"): i for i in find_all(form, "input", name="document_visibility")}
    assert set(choices) == {"municipality", "county"}
    assert [value for value, i in choices.items() if i.get("checked") is not None] == ["municipality"]
    question = next(f for f in find_all(form, "fieldset") if list(find_all(f, "input", name="document_visibility")))
    assert text(next(find_all(question, "legend"))) == "Vem får öppna dokumentet"
    assert labels(question) == ["Kommunen och länets samordnare", "Alla inloggade i länet"]


@pytest.mark.parametrize("choice", [{"document_visibility": "municipality"}, {}], ids=["chosen", "not_chosen"])
def test_a_document_kept_to_the_municipality_is_neither_listed_nor_opened_by_the_rest_of_the_county(
    client_as, officer, choice
):
    document = upload(officer, "Lägesbild med personuppgifter.pdf", **choice)
    assert document.visibility == DocumentVisibility.MUNICIPALITY
    for role in KEEPERS + REST_OF_COUNTY:
        client = client_as(role)
        section = compliance_section(client)
        shown = links(section)
        download = client.get(document.get_absolute_url())
        if role in KEEPERS:
            assert shown.get(document.get_absolute_url()) == "Lägesbild med personuppgifter.pdf", role
            assert "(bara kommunen och länets samordnare)" in text(section), role
            assert download.status_code == 200, role
        else:
            assert document.get_absolute_url() not in shown, role
            assert "Lägesbild med personuppgifter.pdf" not in text(section), role
            assert download.status_code == 404, role


def test_a_document_shared_with_the_county_is_listed_and_opened_by_everyone_signed_in_there(client_as, officer):
    document = upload(officer, "Lägesbild för länet.pdf", document_visibility="county")
    assert document.visibility == DocumentVisibility.COUNTY
    for role in KEEPERS + REST_OF_COUNTY:
        client = client_as(role)
        section = compliance_section(client)
        assert links(section).get(document.get_absolute_url()) == "Lägesbild för länet.pdf", role
        assert "(bara kommunen och länets samordnare)" not in text(section), role
        assert client.get(document.get_absolute_url()).status_code == 200, role
    client.logout()
    assert client.get(document.get_absolute_url()).status_code == 302


def test_the_officer_of_a_neighbouring_municipality_opens_only_what_is_shared_with_the_county(client, world):
    item = ComplianceItemFactory(municipality=world.own_municipality)
    kept = compliance_document(item, name="Lunds egen.pdf")
    shared = compliance_document(item, name="Lunds delade.pdf", visibility="county")
    neighbour = Grant.objects.create(
        user=UserFactory(username="hassleholm"), role=Role.MUNICIPAL_OFFICER, municipality=world.neighbour_municipality
    ).user
    client.force_login(neighbour)
    shown = links(compliance_section(client))
    assert kept.get_absolute_url() not in shown
    assert shown.get(shared.get_absolute_url()) == "Lunds delade.pdf"
    assert client.get(kept.get_absolute_url()).status_code == 404
    assert client.get(f"/dokument/efterlevnad/{kept.pk}/ta-bort/").status_code == 404
    assert client.get(shared.get_absolute_url()).status_code == 200
    # Reading is not changing: the shared document is not the neighbour's to delete.
    assert client.post(f"/dokument/efterlevnad/{shared.pk}/ta-bort/").status_code == 403


def test_the_compliance_form_says_who_opens_each_document(officer, world):
    item = ComplianceItemFactory(municipality=world.own_municipality)
    compliance_document(item, name="Egen.pdf")
    compliance_document(item, name="Delad.pdf", visibility="county")
    listed = {text(li).split(" – ")[0] for li in find_all(main(page(officer.get(COMPLIANCE_URL))), "li")}
    assert any(
        entry.startswith("Egen.pdf") and "öppnas av: kommunen och länets samordnare" in entry for entry in listed
    )
    assert any(entry.startswith("Delad.pdf") and "öppnas av: alla inloggade i länet" in entry for entry in listed)


@pytest.mark.django_db(transaction=True)
def test_documents_stored_before_the_choice_are_kept_to_the_municipality():
    """The migration that adds the choice gives every stored document the restricted visibility."""
    executor = MigrationExecutor(connection)
    before = [("municipalities", "0002_municipality_council_description_and_more")]
    after = [("municipalities", "0003_compliancedocument_visibility")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    county = old.get_model("municipalities", "County").objects.create(code="12", name="Skåne län", short_name="Skåne")
    municipality = old.get_model("municipalities", "Municipality").objects.create(
        code="1281", name="Lund", county=county
    )
    item = old.get_model("municipalities", "ComplianceItem").objects.create(
        municipality=municipality, obligation="situation_analysis"
    )
    stored = old.get_model("municipalities", "ComplianceDocument").objects.create(
        item=item,
        file="documents/municipalities/0123.pdf",
        original_name="Lägesbild 2023.pdf",
        content_type="application/pdf",
        size=1,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    try:
        executor.migrate(after)
        assert ComplianceDocument.objects.get(pk=stored.pk).visibility == DocumentVisibility.MUNICIPALITY
    finally:
        # Going back to 0002 also unapplied every later migration of the apps built on it: apply them
        # all again, so the tests after this one (and the worker processes) find today's schema.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
