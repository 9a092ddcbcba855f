"""`kerncijfers template` writes the contract's headers, and a filled-in template is accepted."""

from __future__ import annotations

import subprocess
import sys

from openpyxl import load_workbook

from kerncijfers.schema import TABLES
from kerncijfers.template import write_template


def test_csv_template_has_each_tables_exact_header(tmp_path):
    paths = write_template(tmp_path / "2024-05-01", "2024-05-01", "csv")
    assert sorted(p.name for p in paths) == sorted(f"{n}.csv" for n in TABLES)
    assert (tmp_path / "2024-05-01" / "elip.csv").read_text(encoding="utf-8") == "peildatum,cohort,aantal\n"


def test_xlsx_template_offers_the_codes_and_keeps_dates_as_text(tmp_path):
    write_template(tmp_path / "2024-05-01", "2024-05-01", "xlsx", ["wi2013_leningen"])
    sheet = load_workbook(tmp_path / "2024-05-01" / "wi2013_leningen.xlsx").active
    assert [c.value for c in sheet[1]] == ["peildatum", "categorie", "aantal", "bedrag_eur"]
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert '"toegekend,kwijtgescholden,teniet_gegaan,terugbetalingsfase,volledig_terugbetaald"' in lists
    assert sheet["A2"].number_format == "@"


def test_template_never_touches_an_existing_folder(tmp_path):
    folder = tmp_path / "raw" / "2024-05-01"
    folder.mkdir(parents=True)
    (folder / "elip.csv").write_text("keep me\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "kerncijfers", "template", "2024-05-01", "--data-dir", str(tmp_path)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert [p.name for p in folder.iterdir()] == ["elip.csv"]
    assert (folder / "elip.csv").read_text(encoding="utf-8") == "keep me\n"


def test_a_filled_in_template_is_accepted(tmp_path, repo_root, validator):
    from kerncijfers.pipeline import validate_delivery

    write_template(tmp_path / "raw" / "2023-11-01", "2023-11-01", "csv", ["elip"])
    rows = (repo_root / "data/raw/2023-11-01/elip.csv").read_text(encoding="utf-8").splitlines()[1:]
    path = tmp_path / "raw" / "2023-11-01" / "elip.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(rows) + "\n", encoding="utf-8")
    result = validate_delivery(tmp_path / "raw", "2023-11-01", repo_root / "expectations")
    assert result.summary["status"] == "geaccepteerd"


def _fill_xlsx_as_excel_saves_it(path, rows, empty_at=None):
    """Fill a template with openpyxl as an analyst does in Excel: values typed into the formatted rows.

    The rows below the data keep their text format and drop-down lists, as Excel saves them; they are
    empty to the analyst. `empty_at` leaves one row inside the table blank.
    """
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    r = 2
    for values in rows:
        if r == empty_at:
            r += 1
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=int(v) if v.isdigit() else v)
        r += 1
    wb.save(path)


def test_an_xlsx_template_filled_as_excel_saves_it_is_accepted(tmp_path, repo_root, validator):
    from kerncijfers.pipeline import validate_delivery

    write_template(tmp_path / "raw" / "2023-11-01", "2023-11-01", "xlsx", ["elip"])
    rows = [line.split(",") for line in (repo_root / "data/raw/2023-11-01/elip.csv").read_text(encoding="utf-8").splitlines()[1:]]
    path = tmp_path / "raw" / "2023-11-01" / "elip.xlsx"
    _fill_xlsx_as_excel_saves_it(path, rows)
    sheet = load_workbook(path).active
    assert sheet.max_row == 201 and sheet["A201"].number_format == "@" and sheet.data_validations.dataValidation
    result = validate_delivery(tmp_path / "raw", "2023-11-01", repo_root / "expectations")
    assert result.summary["status"] == "geaccepteerd"
    assert result.summary["tables"]["elip"]["rows"] == len(rows) == 11


def test_an_empty_row_inside_a_filled_template_is_still_refused(tmp_path, repo_root, validator):
    import pytest

    from kerncijfers.errors import DeliveryError
    from kerncijfers.pipeline import validate_delivery

    write_template(tmp_path / "raw" / "2023-11-01", "2023-11-01", "xlsx", ["elip"])
    rows = [line.split(",") for line in (repo_root / "data/raw/2023-11-01/elip.csv").read_text(encoding="utf-8").splitlines()[1:]]
    _fill_xlsx_as_excel_saves_it(tmp_path / "raw" / "2023-11-01" / "elip.xlsx", rows, empty_at=5)
    with pytest.raises(DeliveryError) as exc:
        validate_delivery(tmp_path / "raw", "2023-11-01", repo_root / "expectations")
    assert [(f.file.split("/", 1)[1], f.rule, f.row) for f in exc.value.findings] == [("raw/2023-11-01/elip.xlsx", "no-empty-rows", 5)]
