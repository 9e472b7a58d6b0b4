"""The one way every app accepts, stores and serves uploaded documents (PDF or Word).

An upload is accepted only when its content is a PDF, a Word 2007+ (.docx) or a Word 97-2003
(.doc) document whose name ends in the matching extension, it is not empty and not above
``settings.DOCUMENT_MAX_BYTES``. Content that more than one kind of reader would accept (a
polyglot, e.g. a PDF with a ZIP archive appended) is refused, because a file that is harmless
as one kind may be dangerous as the other.

One module per concern:

- ``validation``: what the content is (sniffed, never trusted from the browser) and whether it is accepted;
- ``storage``: the site's storage, where a file appears complete under its name or not at all
  (``write_atomically``, which report PDFs use too);
- ``models``: the abstract ``Document`` every app's document table builds on, and ``fill_document``;
- ``fields``: the form field that validates an upload;
- ``responses``: serving a stored document as a download.

Each app keeps its documents in its own concrete subclass of the abstract ``Document``, with a
foreign key to the owning object and a ``ScopedQuerySet`` manager that follows the owner::

    class AgreementDocument(Document):
        agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")

The app's service fills the row with ``fill_document`` and saves it inside its transaction; a
view serves it with ``document_response`` after fetching the owner through
``core.scoping.get_for_user``.
"""
