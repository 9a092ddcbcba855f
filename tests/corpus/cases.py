"""The corpus: malformed deliveries and the exact message each must be refused with.

A case copies a valid seed delivery from data/raw/ to a new folder (2024-05-01 unless
stated), breaks one thing and names the message line(s) the analyst must see. Cases with
`folder == seed` break a registered delivery in place, keeping its SHA256SUMS.
`e2e=True` cases also run through `kerncijfers build` in a subprocess.
"""

from __future__ import annotations

from corpus.steps import (
    AddColumn,
    Case,
    Delete,
    DropColumn,
    Encode,
    LineEndings,
    LinkFileOutside,
    LinkFolderOutside,
    MakeFolder,
    PadXlsx,
    Rename,
    RepeatLastRow,
    Replace,
    ReplaceBytes,
    Separator,
    Sparse,
    SwapColumns,
    ToXlsx,
    Truncate,
    Write,
)

WI2021 = "wi2021_kerncijfers.csv"
ELIP = "elip.csv"

CASES: list[Case] = [
    # --- encoding and format -----------------------------------------------------------------
    Case("utf16-with-bom", "Excel's 'Unicode text' export: UTF-16 with a byte order mark",
         "2023-10-01", files=(WI2021,), steps=(Encode(WI2021, "utf-16"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv: the file is UTF-16 encoded (rule encoding). Save it as CSV UTF-8 (Excel: 'CSV UTF-8 (door komma's gescheiden)').",
         )),
    Case("utf16-without-bom", "UTF-16 without a byte order mark: a NUL byte after every letter",
         "2023-10-01", files=(WI2021,), steps=(Encode(WI2021, "utf-16-le"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv: the file holds NUL bytes: it is UTF-16 without a byte order mark, or not a text file (rule encoding). Save it as CSV UTF-8 (Excel: 'CSV UTF-8 (door komma's gescheiden)').",
         )),
    Case("byte-not-decodable", "a byte that no encoding we accept can decode",
         "2023-10-01", files=(WI2021,), steps=(ReplaceBytes(WI2021, b"overig,1100", b"overig\x81,1100"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 4: byte 0x81 in this row is neither UTF-8 nor Windows-1252 (value '2024-05-01,inburgeringsplichtigen,overig�,1100'; rule encoding). Save the file as CSV UTF-8 and check the row's special characters.",
         )),
    Case("workbook-named-csv", "an .xlsx workbook renamed to .csv",
         "2023-11-01", files=(ELIP,), steps=(ToXlsx(ELIP), Rename("elip.xlsx", ELIP)),
         messages=(
             "data/raw/2024-05-01/elip.csv: the file is an Excel workbook with a .csv name, not a CSV text file (rule known-format). Open it in Excel and save it as 'CSV UTF-8 (door komma's gescheiden)', or rename it to .xlsx if it is one.",
         )),
    Case("old-xls-format", "the table as an Excel 97-2003 .xls file",
         "2023-11-01", files=(ELIP,), steps=(Rename(ELIP, "elip.xls"),),
         messages=(
             "data/raw/2024-05-01/elip.xls: unsupported file type '.xls' (rule known-format). Deliver each table as .csv (comma or semicolon, UTF-8 or Windows-1252) or .xlsx.",
         )),
    Case("tab-separated", "columns separated by tabs",
         "2023-10-01", files=(WI2021,), steps=(Separator(WI2021, "\t"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 1: the columns are separated by tabs, not by commas or semicolons (value 'peildatum\\tindicator\\tdoelgroep\\taantal'; rule separator). Save the file as CSV (Excel: 'CSV UTF-8 (door komma's gescheiden)'), so that a comma separates the columns.",
         )),
    Case("pipe-separated", "columns separated by pipes",
         "2023-10-01", files=(WI2021,), steps=(Separator(WI2021, "|"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 1: the columns are separated by pipes (|), not by commas or semicolons (value 'peildatum|indicator|doelgroep|aantal'; rule separator). Save the file as CSV (Excel: 'CSV UTF-8 (door komma's gescheiden)'), so that a comma separates the columns.",
         )),
    Case("decimal-comma-in-count", "a Dutch Excel CSV (semicolons) with a decimal comma in a count",
         "2023-10-01", files=(WI2021,), steps=(Separator(WI2021, ";"), Replace(WI2021, ";10900", ";10900,5")),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 6, column aantal: the value has a decimal comma; counts are whole numbers (value '10900,5'; rule whole-number). Deliver whole numbers.",
         )),
    Case("decimal-comma-in-decimal", "a decimal comma in overige_cijfers.waarde",
         "2023-05-01", files=("overige_cijfers.csv",), steps=(Replace("overige_cijfers.csv", ",34.5,", ',"34,5",'),),
         messages=(
             "data/raw/2024-05-01/overige_cijfers.csv, row 3, column waarde: the value has a decimal comma (value '34,5'; rule decimal-point). Write decimals with a point, e.g. 34.5.",
         )),
    Case("decimal-point-in-puntkomma-csv", "Dutch Excel's CSV (semicolons, so decimal commas) with a decimal point typed in",
         "2023-05-01", files=("overige_cijfers.csv",), steps=(Separator("overige_cijfers.csv", ";"),),
         messages=(
             "data/raw/2024-05-01/overige_cijfers.csv, row 3, column waarde: the value has a decimal point in a file with semicolons between the columns, where the decimal separator is a comma (Dutch Excel's 'CSV (puntkomma)'), so it is ambiguous (value '34.5'; rule decimal-comma). Write the decimal with a comma (34,5), or save the file with commas between the columns and decimal points (Excel: 'CSV UTF-8 (door komma's gescheiden)').",
         )),
    Case("thousands-separator", "a count formatted with a thousands separator: 51.600",
         "2023-10-01", files=(WI2021,), steps=(Replace(WI2021, ",51600", ",51.600"),), e2e=True,
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 5, column aantal: the count has a thousands separator (value '51.600'; rule no-thousands-separator). Write counts as plain digits without separators, e.g. 51600 (format the column as 'Standaard' in Excel).",
         )),
    # --- Excel artefacts ----------------------------------------------------------------------
    Case("xlsx-title-rows", "a title and an empty row above the header",
         "2023-10-01", files=(WI2021,), steps=(ToXlsx(WI2021, title_rows=("Kerncijfers Wi2021, peildatum 1 mei 2024", "")),),
         messages=(
             'data/raw/2024-05-01/wi2021_kerncijfers.xlsx, row 3: the header is on row 3, below 2 title or empty row(s) (rule header-on-first-row). Delete the rows above the header so that row 1 holds the column names.',
         )),
    Case("csv-title-row", "a CSV saved from a sheet with a title row",
         "2023-10-01", files=(WI2021,), steps=(Replace(WI2021, "peildatum,", "Kerncijfers Wi2021 per 1 mei 2024,,,\npeildatum,"),),
         messages=(
             'data/raw/2024-05-01/wi2021_kerncijfers.csv, row 2: the header is on row 2, below 1 title or empty row(s) (rule header-on-first-row). Delete the rows above the header so that row 1 holds the column names.',
         )),
    Case("xlsx-merged-title", "a title merged across the table's width",
         "2023-10-01", files=(WI2021,), steps=(ToXlsx(WI2021, title_rows=("Kerncijfers Wi2021",), merge="A1:D1"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.xlsx, row 1: cells A1:D1 are merged (value 'Kerncijfers Wi2021'; rule xlsx-no-merged-cells). Unmerge the cells and put one value in each cell.",
         )),
    Case("xlsx-merged-cells-in-table", "a repeated indicator merged into one cell",
         "2023-10-01", files=(WI2021,),
         steps=(ToXlsx(WI2021, cells=(("B3", None), ("B4", None), ("B5", None)), merge="B2:B5"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.xlsx, row 2: cells B2:B5 are merged (value 'inburgeringsplichtigen'; rule xlsx-no-merged-cells). Unmerge the cells and put one value in each cell.",
         )),
    Case("xlsx-empty-row-inside", "an empty row inside the table (formatted empty rows below it are accepted)",
         "2023-10-01", files=(WI2021,),
         steps=(ToXlsx(WI2021, cells=(("A5", None), ("B5", None), ("C5", None), ("D5", None))),),
         messages=(
             'data/raw/2024-05-01/wi2021_kerncijfers.xlsx, row 5: the row is empty inside the table (rule no-empty-rows). Delete the empty row, or fill it in.',
         )),
    Case("xlsx-trailing-empty-column", "a formatted empty column right of the table",
         "2023-10-01", files=(WI2021,), steps=(ToXlsx(WI2021, styled=("E1", "E2", "E3")),),
         messages=(
             'data/raw/2024-05-01/wi2021_kerncijfers.xlsx, row 1: column E has no name (rule no-empty-columns). Delete the empty columns right of the table.',
         )),
    Case("xlsx-table-not-in-a1", "the table starts in column B",
         "2023-10-01", files=(WI2021,), steps=(ToXlsx(WI2021, first_column=2),),
         messages=(
             'data/raw/2024-05-01/wi2021_kerncijfers.xlsx, row 1: column A has no name (rule no-empty-columns). Delete the empty columns left of the table, so that it starts in column A.',
         )),
    Case("xlsx-number-stored-as-text", "a count stored as text (Excel's green triangle)",
         "2023-10-01", files=(WI2021,), steps=(ToXlsx(WI2021, cells=(("D6", "10900"),)),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.xlsx, row 6, column aantal: the number is stored as text (value '10900'; rule number-stored-as-number). Convert the column to numbers in Excel (Converteren naar getal).",
         )),
    Case("xlsx-date-as-serial", "a peildatum shown as an Excel serial number",
         "2023-10-01", files=(WI2021,), steps=(ToXlsx(WI2021, cells=(("A3", 45413),)),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.xlsx, row 3, column peildatum: the date is an Excel serial number (value '45413'; rule date-iso). Format the column as text and write dates as YYYY-MM-DD.",
         )),
    Case("xlsx-formula", "a total computed by a formula",
         "2023-10-01", files=(WI2021,), steps=(ToXlsx(WI2021, cells=(("D5", "=SUM(D2:D4)"),)),), e2e=True,
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.xlsx, row 5: cell D5 holds a formula (value '=SUM(D2:D4)'; rule xlsx-no-formulas). Paste the values only (Excel: Plakken speciaal > Waarden).",
         )),
    Case("xlsx-two-sheets", "a second sheet with notes",
         "2023-11-01", files=(ELIP,), steps=(ToXlsx(ELIP, sheets=("Toelichting",)),),
         messages=(
             'data/raw/2024-05-01/elip.xlsx: the workbook has 2 sheets (elip, Toelichting) (rule xlsx-one-sheet). Keep one sheet per table file.',
         )),
    Case("xlsx-cut-off", "a workbook cut off in transfer",
         "2023-11-01", files=(ELIP,), steps=(ToXlsx(ELIP), Truncate("elip.xlsx", 1500)),
         messages=(
             'data/raw/2024-05-01/elip.xlsx: the workbook cannot be opened (it is not a valid .xlsx file) (rule xlsx-readable). Save it again from Excel as .xlsx.',
         )),
    Case("excel-lock-file", "Excel's lock file, left while the workbook is open",
         "2023-11-01", files=(ELIP,), steps=(ToXlsx(ELIP), Write("~$elip.xlsx", b"\x07analist" + bytes(40))),
         messages=(
             'data/raw/2024-05-01/~$elip.xlsx: this is the lock file Excel keeps while a workbook is open (rule no-lock-files). Close the workbook in Excel (the lock file then disappears) and build again; if no workbook is open, Excel left it behind: delete it.',
         )),
    # --- columns and codes --------------------------------------------------------------------
    Case("column-missing", "the doelgroep column left out",
         "2023-10-01", files=(WI2021,), steps=(DropColumn(WI2021, "doelgroep"),),
         messages=(
             'data/raw/2024-05-01/wi2021_kerncijfers.csv, row 1: the header does not match the contract: missing doelgroep (rule columns-match-contract). The header of wi2021_kerncijfers is exactly: peildatum,indicator,doelgroep,aantal (see data/raw/README.md).',
         )),
    Case("column-extra", "an extra column with remarks",
         "2023-10-01", files=(WI2021,), steps=(AddColumn(WI2021, "opmerking", ""),),
         messages=(
             'data/raw/2024-05-01/wi2021_kerncijfers.csv, row 1: the header does not match the contract: unexpected opmerking (rule columns-match-contract). The header of wi2021_kerncijfers is exactly: peildatum,indicator,doelgroep,aantal (see data/raw/README.md).',
         )),
    Case("column-renamed", "aantal renamed to aantal_personen",
         "2023-10-01", files=(WI2021,), steps=(Replace(WI2021, "aantal\n", "aantal_personen\n"),),
         messages=(
             'data/raw/2024-05-01/wi2021_kerncijfers.csv, row 1: the header does not match the contract: missing aantal; unexpected aantal_personen (rule columns-match-contract). The header of wi2021_kerncijfers is exactly: peildatum,indicator,doelgroep,aantal (see data/raw/README.md).',
         )),
    Case("columns-swapped", "indicator and doelgroep in each other's place",
         "2023-10-01", files=(WI2021,), steps=(SwapColumns(WI2021, "indicator", "doelgroep"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 1: the columns are in the wrong order (value 'peildatum,doelgroep,indicator,aantal'; rule columns-match-contract). Order the columns as: peildatum,indicator,doelgroep,aantal.",
         )),
    Case("unknown-code", "a doelgroep code that is not in the contract",
         "2023-10-01", files=(WI2021,), steps=(Replace(WI2021, "in_azc,asielstatushouder", "in_azc,statushouder"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 6, column doelgroep: unknown doelgroep code (value 'statushouder'; rule doelgroep-known-code). Use one of: totaal, asielstatushouder, gezinsmigrant, overig (see data/raw/README.md).",
         )),
    # --- values -------------------------------------------------------------------------------
    Case("duplicate-key", "cohort 2013 delivered twice",
         "2023-11-01", files=(ELIP,), steps=(Replace(ELIP, "2024-05-01,2014,48", "2024-05-01,2013,48"),),
         messages=(
             'data/raw/2024-05-01/elip.csv, row 2: rows 2 and 3 share the key cohort=2013 (rule key-unique). Deliver each combination once; remove the duplicate row.',
         )),
    Case("duplicate-key-follow-on", "a part delivered under the doelgroep of another: a duplicate, and a bound broken by it",
         "2023-10-01", files=(WI2021,),
         steps=(Replace(WI2021, "inburgeringsplichtigen,gezinsmigrant", "inburgeringsplichtigen,asielstatushouder"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 2: rows 2 and 3 share the key indicator=inburgeringsplichtigen, doelgroep=asielstatushouder (rule key-unique). Deliver each combination once; remove the duplicate row.",
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 7, column aantal: the count exceeds the count it is part of (pip ≤ inburgeringsplichtigen, aanbod ≤ pip, in_azc ≤ inburgeringsplichtigen); this may follow from the duplicate key in row 2: fix that first (value '16800, expected at most 16100 (the count it is part of)'; rule indicator-within-bound). Check both rows: a part cannot exceed its whole.",
         ),
         note="the bound is computed from the duplicated rows, so its finding says it may follow from the duplicate"),
    Case("negative-count", "a negative count",
         "2023-10-01", files=(WI2021,), steps=(Replace(WI2021, ",10900", ",-10900"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 6, column aantal: aantal must be a non-negative count (value '-10900'; rule aantal-range). Check the cell against DUO's source; counts cannot be negative.",
         )),
    Case("non-integer-count", "a count with a decimal point",
         "2023-10-01", files=(WI2021,), steps=(Replace(WI2021, ",10900", ",10900.5"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 6, column aantal: the value is not a whole number (value '10900.5'; rule whole-number). Counts are whole numbers: check the cell.",
         )),
    Case("total-not-sum", "a totaal row that is not the sum of its doelgroepen",
         "2023-10-01", files=(WI2021,), steps=(Replace(WI2021, ",51600", ",51700"),), e2e=True,
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 5, column aantal: the totaal row does not equal asielstatushouder + gezinsmigrant + overig (value '51700, expected 51600 (sum of the doelgroepen)'; rule totaal-is-som-doelgroepen). Check the parts and the total against DUO's source; the total must be their exact sum.",
         )),
    Case("part-exceeds-whole", "more aanbod than PIPs",
         "2023-10-01", files=(WI2021,), steps=(Replace(WI2021, "aanbod,asielstatushouder,8700", "aanbod,asielstatushouder,18700"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 9, column aantal: the count exceeds the count it is part of (pip ≤ inburgeringsplichtigen, aanbod ≤ pip, in_azc ≤ inburgeringsplichtigen) (value '18700, expected at most 16800 (the count it is part of)'; rule indicator-within-bound). Check both rows: a part cannot exceed its whole.",
         )),
    Case("percentage-half-up", "a Tabel 2 percentage rounded half-up instead of by largest remainder (row sums to 101)",
         "2023-10-01", files=("wi2013_cohorten.csv",),
         steps=(Replace("wi2013_cohorten.csv", "18570,12776,5490,304,69,29,2", "18570,12776,5490,304,69,30,2"),),
         messages=(
             "data/raw/2024-05-01/wi2013_cohorten.csv, row 9, column ontheven_pct: ontheven_pct is not the percentage of the counts under the letter's convention (largest remainder, row sums to 100) (value '30, expected 29 (percentage of the counts by largest remainder)'; rule ontheven-pct-largest-remainder). Recompute the row's percentages from its counts: floor each, then add 1 to the largest remainders until the row sums to 100.",
         )),
    Case("row-shifted-right", "a row whose values moved one column to the right",
         "2023-10-01", files=(WI2021,),
         steps=(Replace(WI2021, "2024-05-01,in_azc,asielstatushouder,10900", "2024-05-01,,in_azc,asielstatushouder,10900"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 6: column 5 has a value but no header; the row may be shifted (value '10900'; rule no-cells-outside-table). Remove the stray value or move the row's values back under the right headers.",
         )),
    Case("row-shifted-left", "a row that lost its first value and moved left",
         "2023-10-01", files=(WI2021,),
         steps=(Replace(WI2021, "2024-05-01,in_azc,asielstatushouder,10900", "in_azc,asielstatushouder,10900"),),
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 6: the row has 3 values for 4 columns; a value is missing or the row is shifted (value 'in_azc,asielstatushouder,10900'; rule row-complete). Give the row one value per column; an empty cell still needs its separator.",
         )),
    Case("stray-total-row", "a sum typed below the table",
         "2023-10-01", files=("wi2013_leningen.csv",),
         steps=(Replace("wi2013_leningen.csv", "1874,2747433\n", "1874,2747433\n,,244126,1724520978\n"),),
         messages=(
             "data/raw/2024-05-01/wi2013_leningen.csv, row 7, column peildatum: the row has no peildatum (value ',,244126,1724520978'; rule not-empty). Fill in the peildatum; if the row is a sum or a note added below the table, delete it.",
         )),
    Case("cumulative-count-shrank", "a count since the start of the law that is lower than in the previous delivery",
         "2023-10-01", files=("wi2013_leningen.csv",),
         steps=(Replace("wi2013_leningen.csv", "kwijtgescholden,87716", "kwijtgescholden,87715"),),
         messages=(
             "data/raw/2024-05-01/wi2013_leningen.csv, row 3, column aantal: aantal is lower than in the previous delivery, but it counts since the start of the law and cannot shrink (value '87715, expected at least 87716 (the previous delivery)'; rule aantal-not-shrunk). Ask DUO whether the previous or this delivery is wrong; a correction of history needs a re-delivery of both.",
         )),
    # --- the folder and its peildatum -----------------------------------------------------------
    Case("folder-not-a-date", "a folder named in words",
         "2023-11-01", folder="mei 2024", files=(ELIP,),
         messages=(
             "data/raw/mei 2024: folder name 'mei 2024' is not a peildatum (rule folder-is-peildatum). Name the folder after the delivery's peildatum as YYYY-MM-DD, e.g. data/raw/2024-05-01/.",
         )),
    Case("folder-windows-copy", "a folder copied in Windows Explorer",
         "2023-11-01", folder="2023-11-01 - kopie", files=(ELIP,),
         messages=(
             "data/raw/2023-11-01 - kopie: folder name '2023-11-01 - kopie' is not a peildatum (rule folder-is-peildatum). Name the folder after the delivery's peildatum as YYYY-MM-DD, e.g. data/raw/2024-05-01/.",
         )),
    Case("folder-impossible-date", "a folder named after a day that does not exist",
         "2023-11-01", folder="2024-02-30", files=(ELIP,),
         messages=(
             "data/raw/2024-02-30: folder name '2024-02-30' is not a valid date (rule folder-is-peildatum). Check the day and month: the folder must be named YYYY-MM-DD.",
         )),
    Case("folder-in-future", "a folder dated in the future",
         "2023-11-01", folder="2999-01-01", files=(ELIP,), e2e=True,
         messages=(
             'data/raw/2999-01-01: peildatum 2999-01-01 lies in the future (today is {today}) (rule peildatum-not-in-future). A delivery describes a past reference date: check the folder name.',
         )),
    Case("peildatum-differs-from-folder", "last year's file in this year's folder",
         "2023-10-01", files=(WI2021,), redate=False,
         messages=(
             "data/raw/2024-05-01/wi2021_kerncijfers.csv, row 2, column peildatum: the peildatum in the file differs from the folder's (2024-05-01) (value '2023-10-01'; rule peildatum-matches-folder). Put the file in the folder of its own peildatum, or correct the peildatum column.",
         )),
    # --- empty, missing and huge ----------------------------------------------------------------
    Case("empty-file", "a file of 0 bytes",
         None, steps=(Write(ELIP, b""),),
         messages=(
             'data/raw/2024-05-01/elip.csv: the file is empty (rule file-not-empty). Export the table again; the file has no header and no rows.',
         )),
    Case("header-only", "a header without rows",
         None, steps=(Write(ELIP, "peildatum,cohort,aantal\n"),),
         messages=(
             'data/raw/2024-05-01/elip.csv: the file has a header but no rows (rule rows-present). Fill in the table or leave the file out of the delivery.',
         )),
    Case("empty-folder", "a delivery folder without files",
         None, steps=(MakeFolder(),),
         messages=(
             'data/raw/2024-05-01: the delivery folder holds no table files (rule delivery-not-empty). Put at least one table file in it, or remove the folder.',
         )),
    Case("no-folder", "`kerncijfers validate` for a peildatum without a folder",
         None,
         messages=(
             'data/raw/2024-05-01: there is no delivery folder for this peildatum (rule delivery-exists). Check the peildatum: the delivery must be a folder data/raw/<peildatum>/ holding the table files.',
         )),
    Case("file-too-large", "a 256 MB file: refused before reading, memory stays low",
         None, steps=(Sparse(ELIP, 256),), max_peak_mb=1,
         messages=(
             'data/raw/2024-05-01/elip.csv: the file is 256.0 MB, far larger than any DUO table (rule file-size). Check that this is the right file; a table file may be at most 5 MB.',
         )),
    Case("too-many-rows", "a file of 20 000 rows under the size limit: refused before parsing",
         "2023-11-01", files=(ELIP,), steps=(RepeatLastRow(ELIP, 20_000),), max_peak_mb=4,
         messages=(
             'data/raw/2024-05-01/elip.csv: the file has 20000 rows, far more than any DUO table (rule file-size). Check that this is the right file; a table has at most 10000 rows.',
         )),
    Case("xlsx-unpacks-huge", "a small workbook that unpacks to 64 MB: refused before openpyxl loads it",
         "2023-11-01", files=(ELIP,), steps=(ToXlsx(ELIP), PadXlsx("elip.xlsx", 64)), max_peak_mb=1,
         messages=(
             'data/raw/2024-05-01/elip.xlsx: the workbook unpacks to 64 MB, far larger than any DUO table (rule file-size). Check that this is the right file; a table has at most 10000 rows.',
         )),
    # --- registered deliveries (SHA256SUMS) -------------------------------------------------------
    Case("registered-file-changed", "a validated file edited afterwards",
         "2023-10-01", folder="2023-10-01", steps=(Replace(WI2021, ",51600", ",51700"),), e2e=True,
         messages=(
             'data/raw/2023-10-01/wi2021_kerncijfers.csv: file changed after it was validated: sha256 b6b359e99727… differs from 19a4527b11b2… in SHA256SUMS (rule manifest-checksum). Restore the original file (git checkout or the DUO e-mail). A genuine re-delivery needs a reviewed change: replace the file and remove SHA256SUMS.',
         )),
    Case("registered-file-added", "a file added to a validated delivery",
         "2023-10-01", folder="2023-10-01", steps=(Write(ELIP, "peildatum,cohort,aantal\n2023-10-01,2013,12\n"),),
         messages=(
             'data/raw/2023-10-01/elip.csv: file is not listed in SHA256SUMS (rule manifest-complete). A registered delivery does not change. Put a re-delivery in its own peildatum folder, or, after review, remove SHA256SUMS so the next build registers the folder again.',
         )),
    Case("registered-file-removed", "a file removed from a validated delivery",
         "2023-10-01", folder="2023-10-01", steps=(Delete("wi2013_leningen.csv"),),
         messages=(
             'data/raw/2023-10-01/wi2013_leningen.csv: file listed in SHA256SUMS is missing (rule manifest-complete). Restore the file; a registered delivery must keep all its files.',
         )),
    Case("registered-file-replaced-by-huge-file", "a validated file overwritten by a 256 MB file: hashed in blocks",
         "2023-10-01", folder="2023-10-01", steps=(Sparse("wi2013_leningen.csv", 256),), max_peak_mb=1,
         messages=(
             'data/raw/2023-10-01/wi2013_leningen.csv: file changed after it was validated: sha256 a6d72ac7690f… differs from 814b9a23d3ba… in SHA256SUMS (rule manifest-checksum). Restore the original file (git checkout or the DUO e-mail). A genuine re-delivery needs a reviewed change: replace the file and remove SHA256SUMS.',
         )),
    # --- paths out of raw/ ---------------------------------------------------------------------------
    Case("symlinked-file-outside", "a table file that is a link to a file outside raw/",
         "2023-11-01", files=(ELIP,), steps=(LinkFileOutside(ELIP),),
         messages=(
             "data/raw/2024-05-01/elip.csv: file is a symbolic link or points outside data/raw/ (value '../../../outside/elip.csv'; rule no-symlinks). Copy the file itself into the delivery folder; links are not accepted.",
         )),
    Case("symlinked-folder-outside", "a delivery folder that is a link to a folder outside raw/",
         "2023-11-01", files=(ELIP,), steps=(LinkFolderOutside(),), e2e=True,
         messages=(
             "data/raw/2024-05-01: the delivery folder is a symbolic link or lies outside data/raw/ (value '../../outside/2024-05-01'; rule no-symlinks). Copy the delivery's files into a real folder under data/raw/.",
         )),
    Case("backslash-traversal-name", "a file name with Windows path traversal",
         "2023-11-01", files=(ELIP,), steps=(Rename(ELIP, "..\\..\\elip.csv"),),
         messages=(
             "data/raw/2024-05-01/..\\..\\elip.csv: the file name holds a path ('..' or '\\') (rule safe-file-name). Name the file after its table only, e.g. elip.csv.",
         )),
    Case("peildatum-argument-traversal", "`kerncijfers validate ../outside`: a peildatum that climbs out of raw/",
         "2023-11-01", folder="../outside", files=(ELIP,),
         messages=(
             "data/raw/../outside: folder name '../outside' is not a peildatum (rule folder-is-peildatum). Name the folder after the delivery's peildatum as YYYY-MM-DD, e.g. data/raw/2024-05-01/.",
         )),
    Case("subfolder", "a subfolder inside the delivery",
         "2023-11-01", files=(ELIP,), steps=(Write("oud/elip.csv", "peildatum,cohort,aantal\n"),),
         messages=(
             'data/raw/2024-05-01/oud: a delivery folder holds no subfolders (rule flat-folder). Move the table files directly into the peildatum folder.',
         )),
    Case("file-name-not-a-table", "a file not named after its table",
         "2023-11-01", files=(ELIP,), steps=(Rename(ELIP, "ELIP mei 2024.csv"),),
         messages=(
             "data/raw/2024-05-01/ELIP mei 2024.csv: 'ELIP mei 2024' is not a known table (rule known-table). Name the file after its table: one of elip, overige_cijfers, wi2013_cohorten, wi2013_leningen, wi2013_status, wi2021_kerncijfers.",
         )),
    Case("two-files-one-table", "the same table as .csv and .xlsx",
         "2023-11-01", files=(ELIP,), steps=(Write("elip.xlsx", b"PK\x03\x04"),),
         messages=(
             'data/raw/2024-05-01/elip.xlsx: table elip is delivered twice (elip.csv and elip.xlsx) (rule one-file-per-table). Keep one file per table in a delivery.',
         )),
]

#: Valid deliveries written the ways Excel and editors write them: the reader must accept each.
#: They guard the reader's refusals against being stricter than the contract (data/raw/README.md).
ACCEPTED: list[Case] = [
    Case("semicolons-with-commas-in-text", "Dutch Excel's CSV (puntkomma): semicolons, a decimal comma, and text fields full of commas",
         "2023-05-01", files=("overige_cijfers.csv",),
         steps=(Separator("overige_cijfers.csv", ";"), Replace("overige_cijfers.csv", ";34.5;", ";34,5;")), messages=()),
    Case("windows-explorer-files", "Thumbs.db and desktop.ini, which Windows' Explorer writes into a folder",
         "2023-11-01", files=(ELIP,), steps=(Write("Thumbs.db", bytes(64)), Write("desktop.ini", "[.ShellClassInfo]\r\nIconResource=x\r\n")),
         messages=()),
    Case("windows-1252", "Excel's plain CSV on Windows: Windows-1252 with a euro sign",
         "2023-11-01", files=("overige_cijfers.csv",),
         steps=(Replace("overige_cijfers.csv", "Keurmerkhouders in totaal", "Keurmerkhouders in totaal (à € 0)"),
                Encode("overige_cijfers.csv", "cp1252")), messages=()),
    Case("utf8-bom-crlf", "CSV UTF-8 from Excel: a byte order mark and Windows line endings",
         "2023-10-01", files=(WI2021,), steps=(LineEndings(WI2021, "\r\n"), Encode(WI2021, "utf-8-sig")), messages=()),
    Case("xlsx-trailing-empty-rows", "formatted empty rows below the table, as Excel keeps them",
         "2023-10-01", files=(WI2021,), steps=(ToXlsx(WI2021, styled=("A10", "B10", "C10", "D10", "A11")),), messages=()),
    Case("clean-xlsx", "a workbook with the table in A1, dates as date cells and counts as numbers",
         "2023-10-01", steps=tuple(ToXlsx(f) for f in ("wi2013_cohorten.csv", "wi2013_leningen.csv", "wi2013_status.csv", WI2021)),
         messages=()),
]
