"""Fixtures for the Webflow importer's tests: the real export, and edited copies of it."""

import csv
import os
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def real_export():
    path = Path(settings.BASE_DIR).parent / "shared" / "real-input" / "webflow"
    if not path.is_dir():
        message = f"the real Webflow export is not at {path} (shared/ must sit beside the clone)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def export_copy(real_export, tmp_path):
    """Write a copy of the real export whose posts a test may change; return its folder.

    ``edit(rows)`` changes the post rows (dicts) in place; ``header`` sets the columns and
    their order; ``skip_images`` leaves those image files out, ``fake_images`` replaces
    them by text.
    """
    posts_csv = next(real_export.glob("*Blog Posts*.csv"))
    authors_csv = next(real_export.glob("*Authors*.csv"))
    counter = iter(range(1000))

    def make(edit=None, header=None, skip_images=(), authors_edit=None, fake_images=()):
        folder = tmp_path / f"export-{next(counter)}"
        (folder / "images").mkdir(parents=True)
        for image in (real_export / "images").iterdir():
            if image.name in fake_images:
                (folder / "images" / image.name).write_text("<html>not a picture</html>")
            elif image.name not in skip_images:
                (folder / "images" / image.name).symlink_to(image)
        for source, change in ((posts_csv, edit), (authors_csv, authors_edit)):
            with open(source, newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                columns, rows = reader.fieldnames, list(reader)
            if change:
                change(rows)
            columns = header if header and source == posts_csv else columns
            with open(folder / source.name, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
        return folder

    return make
