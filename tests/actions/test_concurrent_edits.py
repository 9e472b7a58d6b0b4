"""Two coordinators editing the same measure: the second sees the first's change and can redo theirs."""

import re

import pytest
from django.test import Client

from actions.models import Measure

pytestmark = pytest.mark.django_db


def form_data(page: str) -> dict:
    """The measure form's fields as the browser would send them back."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[name] = value
    for name, value in re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="([^"]+)"', page):
        data.setdefault(value, name)
    textareas = re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)
    data.update({name: text.strip() for name, text in textareas})
    data.pop("csrfmiddlewaretoken", None)
    data.pop("language", None)
    data.pop("next", None)
    return data


def test_the_second_save_shows_the_first_change_and_overwrites_nothing(world):
    url = f"/insatser/{world.own_measure.pk}/redigera/"
    anna, bengt = Client(), Client()
    anna.force_login(world.user("county_coordinator"))
    bengt.force_login(world.user("national_admin"))
    annas_form = form_data(anna.get(url).content.decode())
    bengts_form = form_data(bengt.get(url).content.decode())
    assert annas_form["version"] == bengts_form["version"] == "1"

    history_before = world.own_measure.history.count()
    annas_form.update(title="Avhopparverksamhet i hela Skåne", weight="2")
    assert anna.post(url, annas_form).status_code == 302

    bengts_form.update(title="Avhopparverksamhet", purpose="Färre unga i kriminella nätverk.", weight="1")
    conflict = bengt.post(url, bengts_form)
    page = conflict.content.decode()
    assert conflict.status_code == 200
    assert "Någon annan sparade medan du redigerade." in page
    assert "Avhopparverksamhet i hela Skåne" in page  # what Anna saved is shown to Bengt
    measure = Measure.objects.get(pk=world.own_measure.pk)
    assert (measure.title, measure.weight, measure.version) == ("Avhopparverksamhet i hela Skåne", 2, 2)

    # Bengt checks Anna's change and saves again: now his values win, knowingly.
    again = form_data(page)
    assert again["version"] == "2"
    assert bengt.post(url, again).status_code == 302
    measure.refresh_from_db()
    assert measure.purpose == "Färre unga i kriminella nätverk."
    assert measure.version == 3
    assert measure.history.count() == history_before + 2  # Anna's and Bengt's saves; the refused one left none
