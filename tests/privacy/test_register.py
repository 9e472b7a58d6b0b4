"""The register of personal data covers every model: a new personal field cannot be forgotten."""

import re

from django.apps import apps
from django.contrib.auth import get_user_model

from portal.privacy.register import HISTORY, NOT_PERSONAL, PLACES, installed_places, migrated_models, place_for

# Field names that say something about a person: a name, an e-mail address, a telephone number.
PERSONAL_NAME = re.compile(r"(^|_)(name|email|e_mail|phone|telephone|mobile|username)$")


def _user_fields(model):
    user_model = get_user_model()
    fields = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is user_model]
    fields += [f for f in model._meta.many_to_many if f.related_model is user_model]
    return fields


def _looks_personal(model):
    return [f for f in model._meta.concrete_fields if not f.is_relation and PERSONAL_NAME.search(f.name)]


def _models():
    """Every installed model with a table but the hidden through tables of many-to-many fields (their field
    is the place's); a test's own model, which no migration makes, holds nothing."""
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.auto_created and model._meta.label_lower in migrated_models():
            yield model


def test_every_personal_field_of_every_model_is_in_the_register():
    missing = []
    for model in _models():
        place = place_for(model)
        declared = set(place.fields) | set(place.links) | set(place.matched) | set(place.copies) if place else set()
        historical = hasattr(model, "instance_type")
        if hasattr(model, "m2m_history_id"):
            # The history of a many-to-many field: covered by the place's link of that field.
            parent = model._meta.get_field("history").related_model.instance_type
            parent_place = place_for(parent)
            m2m = {f.name for f in parent._meta.many_to_many if f.related_model is get_user_model()}
            if m2m and not (parent_place and m2m & set(parent_place.links)):
                missing.append(f"{model._meta.label} (the history of {sorted(m2m)})")
            continue
        for field in _user_fields(model):
            if historical and field.name == "history_user":
                continue  # the one HISTORY place
            if field.name not in declared:
                missing.append(f"{model._meta.label}.{field.name} (points to the user)")
        for field in _looks_personal(model):
            label = f"{getattr(model, 'instance_type', model)._meta.label}.{field.name}"
            if field.name not in declared and label not in NOT_PERSONAL:
                missing.append(f"{model._meta.label}.{field.name} (named like personal data)")
    assert missing == [], (
        "\n".join(missing) + "\nAdd these to portal/privacy/register.py (a Place, or NOT_PERSONAL with the reason)"
    )


def test_every_place_names_real_fields_of_a_real_model():
    wrong = []
    for place in installed_places():
        model = apps.get_model(place.model)
        names = {f.name for f in model._meta.get_fields()}
        listed = {*place.fields, *place.links, *place.matched, *place.copies, *place.copies.values(), *place.cleared}
        listed |= {*place.replaced, *place.secret, *place.linked_cleared} | ({place.ends} if place.ends else set())
        wrong += [f"{place.model}.{name}" for name in sorted(listed - names)]
        assert str(place.purpose), place.model
        assert str(place.legal_basis), place.model
    assert wrong == []
    for label in NOT_PERSONAL:
        app_label, model_name, field_name = label.split(".")
        apps.get_model(app_label, model_name)._meta.get_field(field_name)
    assert HISTORY.links == ("history_user",)


def test_a_place_is_declared_once():
    labels = [place.model for place in PLACES]
    assert len(labels) == len(set(labels))
