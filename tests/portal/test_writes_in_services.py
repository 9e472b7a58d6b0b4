"""Views parse, authorise, call a service and render: every write is in a service.

A view module (``views.py``, ``*_views.py``, the view helpers of ``core``) that saved a model,
deleted a row or opened a transaction itself would be a second way to write, beside the
services, with its own rules about what is saved together. This reads the code, so a new view
that does it fails here before review.
"""

import ast
from pathlib import Path

from django.conf import settings

WRITES = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "save_m2m",
}
PROJECT = ("core", "municipalities", "actions", "agreements", "portal")


def _view_modules():
    base = Path(settings.BASE_DIR)
    for package in PROJECT:
        for path in (base / package).rglob("*.py"):
            if path.name == "views.py" or path.name.endswith("_views.py"):
                yield path


def _writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            found.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
        if isinstance(node, ast.Name | ast.Attribute) and getattr(node, "id", getattr(node, "attr", "")) in (
            "transaction",
            "atomic",
        ):
            found.append(f"{path.name}:{node.lineno} {getattr(node, 'id', getattr(node, 'attr', ''))}")
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "django.db"
            and any(alias.name == "transaction" for alias in node.names)
        ):
            found.append(f"{path.name}:{node.lineno} imports transaction")
    return found


def test_the_view_modules_are_found():
    names = {str(path.relative_to(settings.BASE_DIR)) for path in _view_modules()}
    assert {"actions/views.py", "agreements/views.py", "municipalities/views.py", "portal/views.py"} <= names


def test_no_view_saves_deletes_or_opens_a_transaction():
    offences = {str(path.relative_to(settings.BASE_DIR)): _writes(path) for path in _view_modules()}
    assert {path: found for path, found in offences.items() if found} == {}


def test_the_row_editing_helper_hands_the_rows_to_a_service():
    """``core.editing.edit_rows`` is the view side of every "edit the list" page: it saves nothing itself."""
    tree = ast.parse((Path(settings.BASE_DIR) / "core" / "editing.py").read_text(encoding="utf-8"))
    edit_rows = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "edit_rows")
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(edit_rows)
        if isinstance(node, ast.Call)
    }
    assert "save_formset_rows" in calls
    assert not calls & WRITES
