"""Permission names have one shape, ``<app>.<verb>_<model>``, and one place each.

Each app declares its names in ``perms.py`` (what views and tests use) and says who holds them
in ``rules.py``; a view that wrote a permission as a raw string would be a second spelling.
"""

import ast
import importlib
import re
from pathlib import Path

import rules
from django.apps import apps
from django.conf import settings

APPS = ("municipalities", "actions", "agreements", "portal")
SHAPE = re.compile(r"^(?P<app>[a-z]+)\.(?P<verb>[a-z]+)_(?P<model>[a-z]+)$")


def _registered() -> set[str]:
    return {name for name in rules.permissions.permissions if name.split(".")[0] in APPS}


def test_every_permission_is_a_verb_and_a_model_of_its_app():
    names = _registered()
    assert len(names) >= 25, names
    wrong = []
    for name in sorted(names):
        match = SHAPE.match(name)
        models = (
            {model._meta.model_name for model in apps.get_app_config(match["app"]).get_models()} if match else set()
        )
        if not match or match["model"] not in models:
            wrong.append(name)
    assert wrong == []


def test_each_apps_perms_module_names_exactly_its_registered_permissions():
    for app in APPS:
        module = importlib.import_module(f"{app}.perms")
        declared = {value for key, value in vars(module).items() if key.isupper() and isinstance(value, str)}
        assert declared == {name for name in _registered() if name.startswith(f"{app}.")}, app


def test_views_name_permissions_through_perms_constants():
    registered = _registered()
    base = Path(settings.BASE_DIR)
    raw = []
    for app in APPS:
        for path in (base / app).rglob("*views.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in registered:
                    raw.append(f"{path.relative_to(base)}:{node.lineno} {node.value}")
    assert raw == []
