"""Uploads in the Wagtail admin are refused, with a message, past the size and type limits of the
settings: through the admin's own upload views, as a logged-in superuser."""

import io
import math
import os

import pytest
from PIL import Image as PILImage

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

PASSWORD = "a-long-test-password"


@pytest.fixture
def admin(db, client):
    get_user_model().objects.create_superuser("uploader", "uploader@example.org", PASSWORD)
    assert client.login(username="uploader", password=PASSWORD)
    return client


@pytest.fixture
def collection(db) -> int:
    return Collection.get_first_root_node().pk


def png(width: int, height: int, *, noise: bool = False) -> bytes:
    """A real PNG; noise does not compress, so its file is about 3 bytes a pixel."""
    pixels = os.urandom(width * height * 3) if noise else bytes(width * height * 3)
    out = io.BytesIO()
    PILImage.frombytes("RGB", (width, height), pixels).save(out, "PNG", compress_level=1)
    return out.getvalue()


@pytest.fixture(scope="module")
def oversized_png() -> bytes:
    side = math.ceil(math.sqrt(settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE / 3)) + 20
    data = png(side, side, noise=True)
    assert len(data) > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    return data


def test_the_limits_are_set():
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 20 * 1024 * 1024
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
    assert "html" not in settings.WAGTAILDOCS_EXTENSIONS


def test_an_oversized_image_is_refused_with_a_message(admin, collection, oversized_png):
    message = (
        f"This file is too big ({filesizeformat(len(oversized_png))}). "
        f"Maximum filesize {filesizeformat(settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE)}."
    )
    # "Add an image" in the admin: the multiple upload view, answering in JSON.
    response = admin.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("big.png", oversized_png, "image/png"),
         "collection": collection},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json() == {"success": False, "error_message": message}
    # The single upload form.
    response = admin.post(
        "/admin/images/add/",
        {"title": "Big", "collection": collection,
         "file": SimpleUploadedFile("big.png", oversized_png, "image/png")},
    )  # fmt: skip
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Image.objects.exists()


def test_an_image_of_an_unsupported_type_is_refused(admin, collection):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = admin.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("logo.svg", svg, "image/svg+xml"),
         "collection": collection},
    )  # fmt: skip
    data = response.json()
    assert data["success"] is False
    assert (
        "Not a supported image format. Supported formats: AVIF, GIF, JPG, JPEG, PNG, WEBP."
        in (data["error_message"])
    )
    assert not Image.objects.exists()


def test_an_image_within_the_limits_is_accepted(admin, collection):
    response = admin.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("small.png", png(40, 30), "image/png"),
         "collection": collection},
    )  # fmt: skip
    assert response.json()["success"] is True
    assert Image.objects.get().width == 40


@pytest.mark.parametrize("name", ["page.html", "setup.exe", "archive.zip"])
def test_a_document_of_a_wrong_type_is_refused_with_a_message(admin, collection, name):
    extension = name.rsplit(".", 1)[1]
    message = (
        f"File extension “{extension}” is not allowed. Allowed extensions are: "
        + ", ".join(settings.WAGTAILDOCS_EXTENSIONS)
        + "."
    )
    content = b"<script>alert(1)</script>"
    response = admin.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile(name, content), "collection": collection},
    )
    assert response.status_code == 200
    assert response.json() == {"success": False, "error_message": message}
    response = admin.post(
        "/admin/documents/add/",
        {"title": "Wrong", "collection": collection, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_an_oversized_document_is_refused_with_a_message(admin, collection):
    content = bytes(settings.WAGTAILDOCS_MAX_UPLOAD_SIZE + 1024 * 1024)
    response = admin.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("report.pdf", content, "application/pdf"),
         "collection": collection},
    )  # fmt: skip
    assert response.json() == {
        "success": False,
        "error_message": f"This file is too big ({filesizeformat(len(content))}). "
        f"Maximum filesize {filesizeformat(settings.WAGTAILDOCS_MAX_UPLOAD_SIZE)}.",
    }
    response = admin.post(
        "/admin/documents/add/",
        {"title": "Big", "collection": collection,
         "file": SimpleUploadedFile("report.pdf", content, "application/pdf")},
    )  # fmt: skip
    assert "This file is too big" in response.content.decode()
    assert "is not allowed" not in response.content.decode()
    assert not Document.objects.exists()


def test_a_document_within_the_limits_is_accepted(admin, collection):
    response = admin.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("notes.txt", b"Visit notes", "text/plain"),
         "collection": collection},
    )  # fmt: skip
    assert response.json()["success"] is True
    assert Document.objects.get().file_extension == "txt"
