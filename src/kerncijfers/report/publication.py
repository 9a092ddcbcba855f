"""Who publishes the report and its open data, under which licence: `publicatie.yml`, read once.

The open-data package, the DCAT-AP-NL catalogue, the XLSX cover sheets and the
toegankelijkheidsverklaring all name the publisher, contact and licence; they take them
from here, so changing the publisher is one edit in `publicatie.yml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CONFIG = Path(__file__).with_name("publicatie.yml")


@dataclass(frozen=True)
class Publication:
    uitgever: str
    uitgever_en: str
    uitgever_homepage: str
    vervaardiger: str
    vervaardiger_en: str
    vervaardiger_homepage: str
    contact_naam: str
    contact_email: str
    contact_url: str
    licentie: str
    licentie_titel: str
    licentie_url: str
    basis_url: str


@cache
def publication(path: Path = CONFIG) -> Publication:
    """The publication settings; refuses a file that lacks one, naming the file and the key."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    try:
        return Publication(
            uitgever=data["uitgever"]["naam"],
            uitgever_en=data["uitgever"]["naam_en"],
            uitgever_homepage=data["uitgever"]["homepage"],
            vervaardiger=data["vervaardiger"]["naam"],
            vervaardiger_en=data["vervaardiger"]["naam_en"],
            vervaardiger_homepage=data["vervaardiger"]["homepage"],
            contact_naam=data["contact"]["naam"],
            contact_email=data["contact"]["email"],
            contact_url=data["contact"]["url"],
            licentie=data["licentie"]["naam"],
            licentie_titel=data["licentie"]["titel"],
            licentie_url=data["licentie"]["url"],
            basis_url=str(data["basis_url"]).rstrip("/") + "/",
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path}: missing setting {exc}; see the comments in the file for what each setting means") from None
