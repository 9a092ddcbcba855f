"""Reading a DUO delivery, in the order a file is read:

- `folder`    the folder's name (the peildatum) and which of its files are tables
- `manifest`  the checksum manifest of an accepted delivery
- `cells`     a file's cells as text: size, encoding, separator, workbook
- `columns`   the cells as typed columns: header, rows, each cell's type
- `read`      `read_delivery` and `read_table`: the above, for a folder or a file

Its modules import each other, never this package, which only names what the rest of the project imports.
"""

from kerncijfers.delivery.cells import MAX_FILE_BYTES
from kerncijfers.delivery.folder import MANIFEST, NON_TABLE_FILES, PEILDATUM_RE, is_ignored, list_peildata, shown_path
from kerncijfers.delivery.manifest import manifest_text, registered_files, sha256
from kerncijfers.delivery.read import Delivery, read_delivery, read_table

__all__ = [
    "MANIFEST", "MAX_FILE_BYTES", "NON_TABLE_FILES", "PEILDATUM_RE", "Delivery", "is_ignored", "list_peildata",
    "manifest_text", "read_delivery", "read_table", "registered_files", "sha256", "shown_path",
]
