"""The indicator registry: one entry per indicator, the single place its meaning is written down.

``worse`` says which direction is worse for the area ("higher", "lower") or None when neither is
(population growth, housing type): the report marks deviations only in the worse direction.
``aggregation`` says how DeSO values combine into RegSO, kommun, län and the whole dataset:
"sum" for counts, "pop_mean" for shares and per-person amounts (weighted by population, an
approximation where the true denominator is another group, e.g. the labour force), "none" where no
honest aggregate exists.
"""

from __future__ import annotations

from dataclasses import dataclass

SCB = "SCB"
BRA = "Brå"
POLISEN = "Polismyndigheten"


@dataclass(frozen=True)
class Indicator:
    id: str
    label_sv: str
    label_en: str
    unit: str
    worse: str | None
    source: str
    definition: str
    aggregation: str = "pop_mean"
    table: str | None = None
    decimals: int = 1
    group: str = "socioekonomi"
    short_sv: str = ""

    def __post_init__(self) -> None:
        if self.worse not in (None, "higher", "lower"):
            raise ValueError(f"indicator {self.id}: worse must be 'higher', 'lower' or None")
        if self.aggregation not in ("sum", "pop_mean", "none"):
            raise ValueError(f"indicator {self.id}: unknown aggregation {self.aggregation!r}")


def _scb(id: str, sv: str, en: str, unit: str, worse: str | None, table: str, definition: str,
         **kw: object) -> Indicator:
    return Indicator(id, sv, en, unit, worse, f"{SCB} {table}", definition, table=table, **kw)  # type: ignore[arg-type]


DESO_INDICATORS: tuple[Indicator, ...] = (
    _scb("pop", "Folkmängd", "Population", "personer", None, "TAB6574",
         "Folkmängd 31 december.", aggregation="sum", decimals=0, group="befolkning"),
    _scb("growth", "Befolkningsförändring", "Population change", "% per år", None, "TAB6574",
         "Förändring av folkmängden under senaste tolv månaderna, i procent av folkmängden ett år tidigare.",
         group="befolkning"),
    _scb("young", "Andel 20–34 år", "Share aged 20–34", "% av befolkningen", None, "TAB6574",
         "Personer 20–34 år i procent av hela befolkningen.", group="befolkning"),
    _scb("single", "Ensamstående utan barn", "Single without children", "% av hushållen", None, "TAB6568",
         "Ensamstående utan barn (ESUB) i procent av alla hushåll.", group="befolkning"),
    _scb("foreign", "Utländsk bakgrund", "Foreign background", "% av befolkningen", None, "TAB6571",
         "Utrikes födda samt inrikes födda med två utrikes födda föräldrar, i procent av befolkningen. "
         "Används inte som riskfaktor.", group="befolkning"),
    _scb("income", "Nettoinkomst, medel", "Mean net income", "tkr per år", "lower", "TAB6683",
         "Medelvärde av nettoinkomst per person, tusen kronor per år."),
    _scb("income_med", "Disponibel inkomst, median", "Median disposable income", "tkr per år", "lower",
         "TAB6684",
         "Median av ekvivalerad disponibel inkomst, tusen kronor per år. Aggregat över flera DeSO är ett "
         "befolkningsviktat medelvärde av DeSO-medianerna, inte en median.",
         short_sv="Disp. inkomst"),
    _scb("capital_inc", "Andel med kapitalinkomst", "Share with capital income", "% av personerna", "lower",
         "TAB6683", "Andel personer med någon kapitalinkomst (inkomstkomponent 230)."),
    _scb("low_econ", "Låg ekonomisk standard", "Low economic standard", "% av personerna", "higher",
         "TAB6685",
         "Andel personer i hushåll med disponibel inkomst per konsumtionsenhet under 60 % av rikets median.",
         short_sv="Låg ek. standard"),
    _scb("unemp", "Arbetslöshet 20–64 år", "Unemployment 20–64", "% av arbetskraften", "higher", "TAB6680",
         "Arbetslösa i procent av arbetskraften, 20–64 år (registerbaserad årsstatistik). Aggregat viktas "
         "med folkmängd, inte med arbetskraft.", short_sv="Arbetslöshet"),
    _scb("employment", "Förvärvsarbetande 20–64 år", "Employment rate 20–64", "% av befolkningen 20–64",
         "lower", "TAB6680",
         "Förvärvsarbetande i procent av befolkningen 20–64 år. Aggregat viktas med hela folkmängden.",
         short_sv="Förvärvsarb."),
    _scb("higher_ed", "Eftergymnasial utbildning", "Post-secondary education", "% av 25–65 år", "lower",
         "TAB6534", "Personer 25–65 år med eftergymnasial utbildning i procent av dem med känd utbildning.",
         short_sv="Eftergymn. utb."),
    _scb("renters", "Hyresrätter", "Rented dwellings", "% av bostäderna", None, "TAB6638",
         "Lägenheter med hyresrätt i procent av alla bostäder.", group="boende"),
    _scb("flats", "Boende i flerbostadshus", "Living in multi-dwelling buildings", "% av befolkningen", None,
         "TAB6065", "Personer boende i flerbostadshus i procent av befolkningen.", group="boende"),
)

@dataclass(frozen=True)
class ScbSpec:
    """How an indicator is read from an SCB PxWeb table (the DeSO/RegSO tables of the 2025 division).

    ``select``: the codes of each dimension (besides Region and Tid) summed into the numerator.
    ``calc``: "value" (the cell as published), "share" (numerator / the ``of`` codes of ``share_dim``
    × 100), "ratio" (numerator / the content ``of_contents`` × 100) or "yoy" (change against the
    previous period, % of it).
    """

    table: str
    select: dict[str, tuple[str, ...]]
    calc: str = "value"
    share_dim: str = ""
    of: tuple[str, ...] = ()
    of_contents: str = ""

    def __post_init__(self) -> None:
        if self.calc not in ("value", "share", "ratio", "yoy"):
            raise ValueError(f"{self.table}: unknown calc {self.calc!r}")
        if self.calc == "share" and (not self.share_dim or not self.of):
            raise ValueError(f"{self.table}: a share needs share_dim and of")
        if self.calc == "ratio" and not self.of_contents:
            raise ValueError(f"{self.table}: a ratio needs of_contents")


_POP = {"Alder": ("totalt",), "Kon": ("1+2",), "ContentsCode": ("000007Y7",)}
SCB_SPECS: dict[str, ScbSpec] = {
    "pop": ScbSpec("TAB6574", _POP),
    "growth": ScbSpec("TAB6574", _POP, "yoy"),
    "young": ScbSpec("TAB6574", {"Alder": ("20-24", "25-29", "30-34"), "Kon": ("1+2",),
                                 "ContentsCode": ("000007Y7",)}, "share", "Alder", ("totalt",)),
    "single": ScbSpec("TAB6568", {"Hushallstyp": ("ESUB",), "ContentsCode": ("000007Y1",)}, "share",
                      "Hushallstyp", ("TOTALT",)),
    "foreign": ScbSpec("TAB6571", {"UtlBakgrund": ("1",), "Kon": ("1+2",), "ContentsCode": ("000007Y4",)},
                       "share", "UtlBakgrund", ("SA",)),
    "income": ScbSpec("TAB6683", {"Inkomstkomponenter": ("240",), "Kon": ("1+2",), "ContentsCode": ("000008A4",)}),
    "income_med": ScbSpec("TAB6684", {"ContentsCode": ("000008AB",)}),
    "capital_inc": ScbSpec("TAB6683", {"Inkomstkomponenter": ("230",), "Kon": ("1+2",),
                                       "ContentsCode": ("000008A2",)}),
    "low_econ": ScbSpec("TAB6685", {"Alder": ("tot",), "ContentsCode": ("000008AC",)}),
    "unemp": ScbSpec("TAB6680", {"Kon": ("1+2",), "Alder": ("20-64",), "ContentsCode": ("0000089W",)}, "ratio",
                     of_contents="0000089V"),
    "employment": ScbSpec("TAB6680", {"Kon": ("1+2",), "Alder": ("20-64",), "ContentsCode": ("0000089X",)},
                          "ratio", of_contents="0000089Y"),
    "higher_ed": ScbSpec("TAB6534", {"UtbildningsNiva": ("5", "6"), "ContentsCode": ("000007Z6",)}, "share",
                         "UtbildningsNiva", ("21", "3+4", "5", "6")),
    "renters": ScbSpec("TAB6638", {"Upplatelseform": ("1",), "ContentsCode": ("00000864",)}, "share",
                       "Upplatelseform", ("1", "2", "3", "ÖVRIGT")),
    "flats": ScbSpec("TAB6065", {"Hustyp": ("FLERBOST",), "ContentsCode": ("0000077F",)}, "share", "Hustyp",
                     ("TOTALT",)),
}


SCHOOL_SOURCE = "Skolverket / Skolinspektionen"
CLIMATE_SOURCE = "MCF, SMHI och SGU"

OTHER_INDICATORS: tuple[Indicator, ...] = (
    Indicator("school_merit", "Meritvärde åk 9", "Merit value year 9", "poäng (max 340)", "lower",
              SCHOOL_SOURCE, "Genomsnittligt meritvärde i åk 9 för skolor i området.", aggregation="none",
              group="skola"),
    Indicator("school_passed", "Godkänt i alla ämnen åk 9", "Passed all subjects year 9", "% av eleverna",
              "lower", SCHOOL_SOURCE, "Andel elever i åk 9 med godkänt i alla ämnen, skolor i området.",
              aggregation="none", group="skola"),
    Indicator("school_eligible", "Behörighet till gymnasiet", "Eligible for upper secondary", "% av eleverna",
              "lower", SCHOOL_SOURCE, "Andel elever i åk 9 behöriga till yrkesprogram, skolor i området.",
              aggregation="none", group="skola"),
    Indicator("school_certified", "Legitimerade lärare", "Certified teachers", "% av lärarna", "lower",
              SCHOOL_SOURCE, "Andel lärare med legitimation, skolor i området.", aggregation="none",
              group="skola"),
    Indicator("school_per_teacher", "Elever per lärare", "Pupils per teacher", "elever", None, SCHOOL_SOURCE,
              "Antal elever per lärare, skolor i området.", aggregation="none", group="skola"),
    Indicator("schools_n", "Antal skolor med åk 9", "Schools with year 9", "skolor", None, SCHOOL_SOURCE,
              "Antal skolor med åk 9 i området.", aggregation="sum", decimals=0, group="skola"),
    Indicator("school_trygghet", "Trygghet i skolan", "Safety at school", "index 0–10", "lower",
              SCHOOL_SOURCE, "Elevernas upplevda trygghet, Skolenkäten åk 8, skolor i området.",
              aggregation="none", group="skola"),
    Indicator("school_studiero", "Studiero i skolan", "Calm for study", "index 0–10", "lower", SCHOOL_SOURCE,
              "Elevernas upplevda studiero, Skolenkäten åk 8, skolor i området.", aggregation="none",
              group="skola"),
    Indicator("flood100", "Översvämning, 100-årsflöde", "Flood, 100-year", "% av landarealen", "higher",
              CLIMATE_SOURCE, "Andel av landarealen som berörs av ett 100-årsflöde.", aggregation="none",
              group="klimat"),
    Indicator("flood200", "Översvämning, 200-årsflöde", "Flood, 200-year", "% av landarealen", "higher",
              CLIMATE_SOURCE, "Andel av landarealen som berörs av ett 200-årsflöde.", aggregation="none",
              group="klimat"),
    Indicator("floodBHF", "Översvämning, beräknat högsta flöde", "Flood, highest computed", "% av landarealen",
              "higher", CLIMATE_SOURCE, "Andel av landarealen som berörs av beräknat högsta flöde.",
              aggregation="none", group="klimat"),
    Indicator("coast20", "Kust, +2,0 m", "Coast, +2.0 m", "% av landarealen", "higher", CLIMATE_SOURCE,
              "Andel av landarealen under 2,0 m över havet vid kust.", aggregation="none", group="klimat"),
    Indicator("coast30", "Kust, +3,0 m", "Coast, +3.0 m", "% av landarealen", "higher", CLIMATE_SOURCE,
              "Andel av landarealen under 3,0 m över havet vid kust.", aggregation="none", group="klimat"),
    Indicator("sea2100_85", "Havsnivå 2100, RCP8.5", "Sea level 2100, RCP8.5", "% av landarealen", "higher",
              CLIMATE_SOURCE, "Andel av landarealen under beräknad havsnivå år 2100 (RCP8.5).",
              aggregation="none", group="klimat"),
    Indicator("sea2100_45", "Havsnivå 2100, RCP4.5", "Sea level 2100, RCP4.5", "% av landarealen", "higher",
              CLIMATE_SOURCE, "Andel av landarealen under beräknad havsnivå år 2100 (RCP4.5).",
              aggregation="none", group="klimat"),
    Indicator("landslide", "Skred- och rasrisk", "Landslide risk", "% av landarealen", "higher",
              CLIMATE_SOURCE, "Andel av landarealen med förutsättningar för skred eller ras.",
              aggregation="none", group="klimat"),
)

# The source files' count fields that belong to a school indicator (number of schools behind the value).
SCHOOL_COUNT_SUFFIX = "_n"

CRIME_GROUPS: dict[str, tuple[str, str]] = {
    "total": ("Samtliga anmälda brott", "All reported offences"),
    "person": ("Brott mot person", "Offences against the person"),
    "theft": ("Stöld- och tillgreppsbrott", "Theft"),
    "burglary": ("Inbrott", "Burglary"),
    "vandalism": ("Skadegörelsebrott", "Criminal damage"),
    "drugs_weapons": ("Narkotika- och vapenbrott", "Drug and weapons offences"),
}


def crime_indicator_id(group: str, per100k: bool) -> str:
    return f"brott_{group}_100k" if per100k else f"brott_{group}"


def crime_group_of(indicator_id: str) -> tuple[str, bool]:
    """(offence group, per 100 000?) of a crime indicator id; the inverse of :func:`crime_indicator_id`."""
    body = indicator_id.removeprefix("brott_")
    rate = body.endswith("_100k")
    return body.removesuffix("_100k"), rate


def _crime_indicators() -> tuple[Indicator, ...]:
    out = []
    for group, (sv, en) in CRIME_GROUPS.items():
        out.append(Indicator(crime_indicator_id(group, False), f"{sv}, antal", f"{en}, count", "anmälda brott",
                             "higher", f"{BRA}, anmälda brott", f"{sv}: anmälda brott per år (eller kvartal).",
                             aggregation="none", decimals=0, group="brott"))
        out.append(Indicator(crime_indicator_id(group, True), f"{sv} per 100 000 inv.", f"{en} per 100,000",
                             "per 100 000 invånare", "higher", f"{BRA}, anmälda brott",
                             f"{sv}: anmälda brott per 100 000 invånare.", aggregation="none", decimals=0,
                             group="brott"))
    return tuple(out)


CRIME_INDICATORS = _crime_indicators()
ALL_INDICATORS: tuple[Indicator, ...] = DESO_INDICATORS + OTHER_INDICATORS + CRIME_INDICATORS
BY_ID: dict[str, Indicator] = {i.id: i for i in ALL_INDICATORS}

# The main socioeconomic indicators of the report and the maps, in display order.
MAIN_INDICATORS: tuple[str, ...] = ("low_econ", "employment", "unemp", "higher_ed", "income_med")


UNITS_EN = {
    "% av personerna": "% of persons", "% av befolkningen 20–64": "% of population 20–64",
    "% av arbetskraften": "% of labour force", "% av 25–65 år": "% of 25–65", "tkr per år": "kSEK per year",
    "% av befolkningen": "% of population", "% av hushållen": "% of households", "% av bostäderna": "% of dwellings",
    "% per år": "% per year", "personer": "persons", "per 100 000 invånare": "per 100,000 inhabitants",
}


def label(indicator_id: str, lang: str = "sv") -> str:
    ind = BY_ID[indicator_id]
    return ind.label_en if lang == "en" else ind.label_sv


def unit(indicator_id: str, lang: str = "sv") -> str:
    u = BY_ID[indicator_id].unit
    return UNITS_EN.get(u, u) if lang == "en" else u


def get(indicator_id: str) -> Indicator:
    try:
        return BY_ID[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}; known: {', '.join(sorted(BY_ID))}") from None
