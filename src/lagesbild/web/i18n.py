"""The web app's own words in Swedish (default) and English; data labels come from the registry."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "sv": {
        "app": "lägesbild", "tagline": "Lägesbild över brott och områdens utsatthet",
        "nav.start": "Start", "nav.designations": "Utpekade områden", "nav.method": "Metod och källor",
        "nav.api": "API", "search": "Sök kommun, DeSO-kod eller område", "search.button": "Sök",
        "lang.switch": "English", "download": "Ladda ner", "start.title": "Sverige i datamängden",
        "start.lead": "Välj en kommun på kartan eller i listan. Kartan visar kommunerna i datamängden efter vald "
                      "indikator; Polisens utpekade områden är markerade med röd streckad linje.",
        "start.lan": "Län och kommuner", "deso": "DeSO", "designated": "utpekade områden",
        "area.profile": "Profil jämfört med kommun, län och datamängd", "area.risk": "Risk och skäl",
        "area.neighbours": "Grannområden", "area.type": "Områdestyp", "area.designated": "Utpekat område",
        "area.map": "Området och dess grannar", "percentile": "Percentil", "indicator": "Indikator",
        "period": "Period", "value": "Värde", "series": "Värden per period", "source": "Källa",
        "designations.title": "Polisens utpekade områden", "method.title": "Metod och källor",
        "error.title": "Sidan finns inte", "error.suggest": "Menade du", "search.title": "Sökresultat",
        "search.none": "Inga träffar.", "footer": "Källor: SCB (CC0), Polismyndigheten, Brå. Områden, aldrig personer.",
        "map.text": "Kartan har en länk per område; samma värden finns i tabellen.",
    },
    "en": {
        "app": "lägesbild", "tagline": "Situation picture of crime and neighbourhood vulnerability",
        "nav.start": "Start", "nav.designations": "Designated areas", "nav.method": "Method and sources",
        "nav.api": "API", "search": "Search kommun, DeSO code or area", "search.button": "Search",
        "lang.switch": "Svenska", "download": "Download", "start.title": "Sweden in the dataset",
        "start.lead": "Choose a kommun on the map or in the list. The map shows the kommuner in the dataset by the "
                      "chosen indicator; the Police's designated areas have a dashed red outline.",
        "start.lan": "Counties and municipalities", "deso": "DeSO", "designated": "designated areas",
        "area.profile": "Profile against kommun, county and dataset", "area.risk": "Risk and reasons",
        "area.neighbours": "Neighbouring areas", "area.type": "Area type", "area.designated": "Designated area",
        "area.map": "The area and its neighbours", "percentile": "Percentile", "indicator": "Indicator",
        "period": "Period", "value": "Value", "series": "Values by period", "source": "Source",
        "designations.title": "The Police's designated areas", "method.title": "Method and sources",
        "error.title": "Page not found", "error.suggest": "Did you mean", "search.title": "Search results",
        "search.none": "No results.", "footer": "Sources: SCB (CC0), Swedish Police, Brå. Areas, never people.",
        "map.text": "The map links every area; the same values are in the table.",
    },
}


def t(key: str, lang: str = "sv") -> str:
    return TEXT.get(lang, TEXT["sv"]).get(key) or TEXT["sv"].get(key, key)
