"""Serving a stored document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse

if TYPE_CHECKING:
    from core.files.models import Document


def document_response(document: Document) -> FileResponse:
    """The stored file as a download under its original name, never rendered by the browser.

    This does no authorisation: the calling view first fetches the owning object through
    ``core.scoping.get_for_user`` (404 outside the user's scope, 403 without the permission)
    and takes the document from that owner.
    """
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
