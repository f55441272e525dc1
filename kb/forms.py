"""The admin's document form (WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

from __future__ import annotations

from wagtail.documents.forms import BaseDocumentForm


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, giving one reason when an upload is refused.

    A file refused by its field (too big: WAGTAILDOCS_MAX_UPLOAD_SIZE) leaves the new document
    without a file, and Wagtail's extension check (Document.clean, WAGTAILDOCS_EXTENSIONS) then
    adds "File extension “” is not allowed" to the file's errors. Only the field's reason is kept.
    """

    def _post_clean(self) -> None:
        refused = list(self._errors.get("file", ()))
        super()._post_clean()
        if refused:
            self._errors["file"] = self.error_class(refused, renderer=self.renderer)
