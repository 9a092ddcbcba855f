"""The delivery contract: every DUO table, its columns, types, codes and unit.

This module is the one place where the shared vocabulary lives. Readers,
validation, templates, the report and `data/raw/README.md` all take their
column names and codes from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- shared vocabulary -------------------------------------------------------

#: Wi2021 doelgroepen as the letter names them (section 2).
DOELGROEPEN_WI2021 = ("totaal", "asielstatushouder", "gezinsmigrant", "overig")

#: Wi2013 doelgroepen as Tabel 2 groups them ("Gezin & Overig" is one group).
DOELGROEPEN_WI2013 = ("totaal", "asielstatushouder", "gezinsmigrant_overig")

#: Wi2021 indicators DUO delivers (counts of persons).
INDICATOREN_WI2021 = ("inburgeringsplichtigen", "in_azc", "pip_vastgesteld", "aanbod")

#: Wi2013 statuses of the in-text breakdown (section 5.2). `opgelegd` is the total.
STATUSSEN_WI2013 = ("opgelegd", "ingeburgerd", "ontheven", "vrijgesteld", "vervallen", "nog_plichtig")

#: Tabel 2 statuses. "Voldaan" there is ingeburgerd + vrijgesteld (see docs/corrections.md).
STATUSSEN_TABEL2 = ("voldaan", "ontheven", "nog_plichtig")

#: ELIP cohorts as Tabel 3 prints them: 2022 and 2023 are one column.
ELIP_COHORTEN = tuple(str(y) for y in range(2013, 2022)) + ("2022-2023", "totaal")

#: Tabel 4 loan categories, in the letter's row order.
LENING_CATEGORIEEN = (
    "toegekend",
    "kwijtgescholden",
    "teniet_gegaan",
    "terugbetalingsfase",
    "volledig_terugbetaald",
)

#: Units allowed in the generic table of figures from other sources.
EENHEDEN = ("personen", "procent", "meldingen", "keurmerkhouders", "besluiten", "euro")

#: Wi2013 cohorts run from the law's start to its last late notifications.
WI2013_EERSTE_COHORT = 2013


# --- table definitions ------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a delivery file."""

    name: str
    dtype: str  # "date", "int", "decimal", "code", "text"
    description: str
    codes: tuple[str, ...] | None = None
    unit: str | None = None
    nullable: bool = False
    min_value: int | None = None
    max_value: int | None = None


@dataclass(frozen=True)
class Table:
    """One DUO table: one file per delivery, one reader, one suite, one report section."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    letter_reference: str
    unit: str
    #: Columns that are cumulative since the start of the law: they may only grow
    #: between deliveries of the same table (checked per key).
    cumulative: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


PEILDATUM = Column("peildatum", "date", "The delivery's reference date, YYYY-MM-DD; equals the folder name.")

WI2021_KERNCIJFERS = Table(
    name="wi2021_kerncijfers",
    title="Wi2021: inburgeringsplichtigen, azc, PIP en aanbod",
    description=(
        "Counts of persons under the Wi2021 per indicator and doelgroep. A delivery holds the "
        "rows DUO supplies; a `totaal` row must equal the sum of the three doelgroepen when all "
        "three are present."
    ),
    columns=(
        PEILDATUM,
        Column("indicator", "code", "What is counted.", codes=INDICATOREN_WI2021),
        Column("doelgroep", "code", "Group of inburgeraars.", codes=DOELGROEPEN_WI2021),
        Column("aantal", "int", "Number of persons (unrounded as DUO delivers it).", unit="personen", min_value=0),
    ),
    key=("indicator", "doelgroep"),
    letter_reference="Section 2, 2.1 and Tabel 1",
    unit="personen",
)

WI2013_COHORTEN = Table(
    name="wi2013_cohorten",
    title="Wi2013: status per cohort en doelgroep (Tabel 2)",
    description=(
        "Per cohort (year the inburgeringsplicht was imposed) and doelgroep: the total and the "
        "number that voldaan, ontheven or nog plichtig is, with the percentages as DUO prints "
        "them (largest-remainder rounding to whole percents, so each row sums to 100). "
        "Persons whose plicht vervallen is are not in this table."
    ),
    columns=(
        PEILDATUM,
        Column("cohort", "int", "Year the inburgeringsplicht was imposed.", min_value=WI2013_EERSTE_COHORT, max_value=2100),
        Column("doelgroep", "code", "Group of inburgeraars.", codes=DOELGROEPEN_WI2013),
        Column("totaal", "int", "Persons in the cohort and doelgroep.", unit="personen", min_value=0),
        Column("voldaan", "int", "Voldaan: ingeburgerd or vrijgesteld.", unit="personen", min_value=0),
        Column("ontheven", "int", "Ontheven van de inburgeringsplicht.", unit="personen", min_value=0),
        Column("nog_plichtig", "int", "Still inburgeringsplichtig.", unit="personen", min_value=0),
        Column("voldaan_pct", "int", "Percentage voldaan, whole percent.", unit="procent", min_value=0, max_value=100),
        Column("ontheven_pct", "int", "Percentage ontheven, whole percent.", unit="procent", min_value=0, max_value=100),
        Column("nog_plichtig_pct", "int", "Percentage nog plichtig, whole percent.", unit="procent", min_value=0, max_value=100),
    ),
    key=("cohort", "doelgroep"),
    letter_reference="Tabel 2",
    unit="personen",
    cumulative=("voldaan", "ontheven"),
)

WI2013_STATUS = Table(
    name="wi2013_status",
    title="Wi2013: stand van de inburgeringsplicht (tekst 5.2)",
    description=(
        "Persons on whom DUO imposed the Wi2013 inburgeringsplicht since 2013 (`opgelegd`), by "
        "current status. `opgelegd` must equal the sum of the five statuses when all are present."
    ),
    columns=(
        PEILDATUM,
        Column("status", "code", "Status of the inburgeringsplicht.", codes=STATUSSEN_WI2013),
        Column("aantal", "int", "Number of persons.", unit="personen", min_value=0),
    ),
    key=("status",),
    letter_reference="Section 5.2, running text",
    unit="personen",
    cumulative=("aantal",),  # except nog_plichtig; see rules.NOT_CUMULATIVE
)

ELIP = Table(
    name="elip",
    title="ELIP: minstens € 9.500 geleend, per cohort (Tabel 3)",
    description=(
        "Asielstatushouders under the Wi2013 who borrowed at least € 9.500 and have not yet "
        "voldaan, per cohort. ELIP is delivered on its own peildata."
    ),
    columns=(
        PEILDATUM,
        Column("cohort", "code", "Cohort; 2022 and 2023 are delivered together.", codes=ELIP_COHORTEN),
        Column("aantal", "int", "Number of persons.", unit="personen", min_value=0),
    ),
    key=("cohort",),
    letter_reference="Tabel 3",
    unit="personen",
)

WI2013_LENINGEN = Table(
    name="wi2013_leningen",
    title="Wi2013: leningen DUO (Tabel 4)",
    description=(
        "Loans under the Wi2013 since the law's start, per category: the number of loans and the "
        "amount in whole euros. The average per loan is derived, not delivered."
    ),
    columns=(
        PEILDATUM,
        Column("categorie", "code", "Loan category.", codes=LENING_CATEGORIEEN),
        Column("aantal", "int", "Number of loans.", unit="leningen", min_value=0),
        Column("bedrag_eur", "int", "Amount in whole euros.", unit="euro", min_value=0),
    ),
    key=("categorie",),
    letter_reference="Tabel 4",
    unit="leningen en euro",
    cumulative=("aantal", "bedrag_eur"),  # except terugbetalingsfase
)

OVERIGE_CIJFERS = Table(
    name="overige_cijfers",
    title="Overige cijfers in de tekst",
    description=(
        "Figures the letter cites from other sources (Blik op Werk, Divosa, the Arbeidsinspectie) "
        "or that DUO supplies without underlying counts, one row per figure."
    ),
    columns=(
        PEILDATUM,
        Column("cijfer", "text", "Identifier of the figure, lower_snake_case, unique in the delivery."),
        Column("waarde", "decimal", "The value, with a decimal point.", min_value=0),
        Column("eenheid", "code", "Unit of the value.", codes=EENHEDEN),
        Column("bron", "text", "Source organisation and publication."),
        Column("omschrijving", "text", "What the figure means, in Dutch."),
    ),
    key=("cijfer",),
    letter_reference="Running text, sections 3 and 4",
    unit="see eenheid",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (WI2021_KERNCIJFERS, WI2013_COHORTEN, WI2013_STATUS, ELIP, WI2013_LENINGEN, OVERIGE_CIJFERS)
}
