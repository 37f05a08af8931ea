"""Reading an export's CSVs into rows, apart from the database."""

import csv

from articles.webflow import read_export


def test_a_body_larger_than_the_csv_modules_default_cell_limit_is_read(tmp_path):
    path = tmp_path / "Site - Blog Posts - 0123456789abcdef01234567.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Name", "Slug", "Item ID", "Post Body", "Author"])
        writer.writerow(
            ["Long", "long", "0123456789abcdef01234568", "<p>" + "x" * 200_000 + "</p>", "isha-team"]
        )
    export = read_export(tmp_path)
    assert len(export.posts[0].body) > 200_000
