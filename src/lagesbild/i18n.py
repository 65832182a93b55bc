"""Words of the report and the web app in Swedish (default) and English.

Keys name the phrase; a phrase with ``{placeholders}`` is filled with ``.format()`` where it is used.
Data labels (indicators, offence groups, area types) come from their registries in both languages.
"""

from __future__ import annotations

LANGS = ("sv", "en")

TEXT: dict[str, dict[str, str]] = {
    "sv": {
        # web chrome
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
        # report
        "title": "Lägesbild {name}", "subtitle": "Lägesbild över brott och områdens utsatthet – {level} {name} "
        "({code}). Skapad {date}.", "toc": "Innehåll",
        "s1": "Sammanfattning", "s2": "Brottslighetens omfattning och utveckling", "s3": "Utsatta och utpekade områden",
        "s4": "Tidig varning", "s4.long": "Tidig varning: områden som utvecklas mot Polisens klassning",
        "s5": "Analys och föreslagna fokusområden", "s6": "Metod, källor och begränsningar",
        "card.pop": "invånare ({period}, summa av DeSO)", "card.deso": "DeSO i {n} RegSO",
        "card.des": "av Polisen utpekade områden ({year})",
        "card.mostly": "invånare ({share}) bor i {n} DeSO som till största delen ligger inom ett utpekat område",
        "sum.des": "I {name} finns {n} område(n) på Polismyndighetens lista {year}:",
        "sum.since": "sedan", "sum.labelled": "{n} DeSO ligger till minst {share} inom något av dem; där bor {pop} "
        "personer.", "sum.none": "I {name} finns inget område på Polismyndighetens lista {year}.",
        "key.title": "Nyckeltal jämfört med", "and": "och", "th.indicator": "Indikator", "th.period": "Period",
        "key.published": "Värden märkta * är SCB:s egna siffror för området, inte medelvärden av DeSO-värdena.",
        "th.source": "Källa", "key.note": "Värden för {level}, län och datamängd är befolkningsviktade medelvärden av "
        "DeSO-värdena (se Metod). Jämförelsenivån ”{ref}” omfattar {coverage} – inte hela riket.",
        "crime.h": "Anmälda brott", "crime.lead": "Anmälda brott per 100 000 invånare {first}–{last}: {names}. "
        "Jämförelserna är beräknade ur kommunerna i datamängden (summa brott / summa invånare).",
        "crime.group": "Brottskategori", "crime.count": "Antal {year}, {name}", "crime.per": "Per 100 000, {name}",
        "crime.change": "Förändring {first}–{last}, {name}", "crime.src": "Källa: Brå, anmälda brott per kommun.",
        "crime.prelim": "Preliminära uppgifter ingår.", "crime.caveat": "Anmälda brott speglar också "
        "anmälningsbenägenhet och polisens arbete, inte bara brottsligheten.",
        "crime.none": "Ingen brottsstatistik för {name} i datamängden.",
        "events.h": "Polisens händelser", "events.type": "Händelsetyp", "events.total": "Totalt",
        "events.lead": "{n} händelser som Polisen publicerat för {name}, {first}–{last}, per typ och månad.",
        "events.lan": "Därtill {n} händelser som Polisen bara anger på länsnivå ({lan}).",
        "events.note": "Händelserna är ett urval som Polisen väljer att publicera på polisen.se, inte brottsstatistik. "
        "Platsen är kommunen eller länet (ibland kommunen ur rubriken), aldrig adressen. Källa: Polisen, händelser-API.",
        "events.none": "Inga av Polisens publicerade händelser är sparade för {name} (hämta med `lagesbild events poll`).",
        "des.h": "Polisens utpekade områden", "des.area": "Område", "des.cat": "Kategori", "des.ort": "Ort",
        "des.since": "Sedan", "des.km2": "Yta, km²", "des.deso": "DeSO till minst {share} inom området",
        "des.pop": "Invånare i dessa DeSO", "des.src": "Källa: Polismyndigheten, lista {year}. Andelen av varje DeSO "
        "inom ett område är beräknad av lägesbild i SWEREF 99 TM (EPSG:3006); överlapp under en hektar räknas inte. "
        "Polisens bedömning är kvalitativ; siffrorna beskriver områdena, inte deras invånare.",
        "des.none": "Inga utpekade områden i {name}.",
        "map.h": "Karta över DeSO-områden", "map.lead": "Välj indikator. Mörkare färg betyder sämre läge (för "
        "indikatorer utan given riktning: högre värde). Klasserna är femtedelar av alla {n} DeSO i datamängden, så "
        "färgerna betyder samma sak i alla kommuner. Polisens utpekade områden har röd streckad kant. Håll "
        "muspekaren över (eller tabba till) ett område för dess värden; samma värden finns i tabellen nedan.",
        "map.choose": "Indikator på kartan", "map.designated": "utpekat område", "map.src": "Källa: SCB "
        "(DeSO-statistik och -gränser, CC0), Polismyndigheten (utpekade områden). Gränserna är förenklade för visning.",
        "typ.h": "Socioekonomiska områdestyper", "typ.lead": "Varje DeSO får en av fem typer efter ett index av "
        "percentilrangordningar mot alla DeSO i datamängden (vikter: {weights}; klassgränser på indexet {limits}), "
        "i Segregationsbarometerns anda. Typen är relativ: den jämför områdena i datamängden med varandra.",
        "typ.type": "Typ", "typ.pop": "Invånare", "typ.popshare": "Andel av invånarna",
        "typ.dataset": "Andel av alla DeSO i datamängden",
        "tab.h": "Alla DeSO i {name}", "tab.lead": "Varje rad är ett DeSO. Markerade celler avviker mer än {z} "
        "standardavvikelser från {level}ens DeSO i den sämre riktningen. Kolumnen ”Avvikelse” är medelvärdet av de "
        "riktade avvikelserna (positiv = sämre); de {n} rader som avviker mest har en röd kant. Klicka på en "
        "kolumnrubrik för att sortera.", "tab.pop": "Invånare", "tab.inside": "Inom utpekat område",
        "tab.area": "Område", "tab.type": "Typ", "tab.risk": "Risk", "tab.dev": "Avvikelse",
        "tab.missing": "– = uppgift saknas eller är skyddad av SCB (aldrig noll). Källa:",
        "warn.is": "Vad poängen är.", "warn.is.text": "Risken är modellens skattade sannolikhet att ett DeSO ligger i "
        "ett av Polisens utpekade områden (minst {share} av ytan inom ett sådant), beräknad enbart ur öppen "
        "statistik: inkomster, sysselsättning, utbildning, boende, befolkningstäthet, skillnaden mot kommunen och "
        "omgivningens värden. Den säger hur mycket områdets statistik liknar de utpekade områdenas.",
        "warn.isnot": "Vad den inte är.", "warn.isnot.text": "Den är inte Polisens bedömning – som är kvalitativ och "
        "bygger på kriminella nätverks påverkan på lokalsamhället – och den säger ingenting om enskilda människor. "
        "{background} Modellen ({model}) valdes genom korsvalidering; intervallet är ett 80 %-intervall från "
        "modeller anpassade på bootstrapurval av kommuner. Skälen är modellens egna bidrag (log-odds) för de tre "
        "faktorer som påverkar mest. Utvärdering och begränsningar: modellkortet (lagesbild evaluate).",
        "warn.bg.no": "Utländsk bakgrund ingår inte.", "warn.bg.yes": "FORSKNINGSLÄGE: utländsk bakgrund ingår.",
        "warn.list": "Bevakningslista", "warn.lead": "De {n} DeSO med högst risk bland dem som inte är utpekade i dag. "
        "Att gränsa till ett utpekat område visas som sammanhang; det används inte i modellen.",
        "warn.risk": "Risk (80 %-intervall)", "warn.rank": "Rang i kommunen", "warn.type": "Områdestyp",
        "warn.inside": "Inom utpekat", "warn.borders": "Gränsar till utpekat",
        "warn.reasons": "Tre viktigaste skäl (bidrag i log-odds)", "warn.worse": "Försämrat sedan förra perioden",
        "warn.up": "↑ höjer", "warn.down": "↓ sänker", "warn.none": "Inga DeSO utanför de utpekade områdena i {name}.",
        "warn.map": "Risk per DeSO", "warn.src": "Källa: lägesbild, beräknat ur SCB:s DeSO-statistik 2024–2025 och "
        "Polismyndighetens lista {year}.", "yes": "ja", "no": "nej",
        "focus.lead": "Förslagen nedan följer direkt av siffrorna i denna lägesbild; var och en pekar på det problem den "
        "bygger på, så att åtgärdsplanens insatser kan kopplas till problemen och följas upp.",
        "focus.none": "Inga tydliga avvikelser i datamängden.",
        "src.publisher": "Källa", "src.title": "Innehåll", "src.licence": "Licens", "src.retrieved": "Hämtad",
        "src.note": "Anmärkning", "m.ind": "Indikatorer.", "m.cmp": "Jämförelser.", "m.cmp.text": "Kommun-, läns- och "
        "datamängdsvärden är befolkningsviktade medelvärden av DeSO-värdena. Datamängden omfattar {coverage}; "
        "jämförelsenivån heter därför ”{ref}” och är inte riket.", "m.des": "Utpekade områden.",
        "m.des.text": "Ett DeSO räknas som beläget i ett utpekat område när minst {share} av dess yta ligger inom det, "
        "och ”till största delen” när mer än {mostly} gör det. Polisens bedömning är kvalitativ och bygger på "
        "lokalpolisens kunskap; statistiken här beskriver områden, aldrig enskilda personer.",
        "m.missing": "Saknade värden visas som ”–”, aldrig som noll.",
        "footer.report": "lägesbild {version} · datamängd {fp} ({date}) · Källor: SCB, Polismyndigheten, Brå.",
        "level.kommun": "kommun", "level.lan": "län", "level.riket": "datamängd",
        "map.kommun": "Hela kommunen", "map.lan": "Hela länet", "map.riket": "Hela datamängden",
        "map.urban": "Tätorten närmare (DeSO av typ C)", "missing": "uppgift saknas", "page": "Sida", "of": "av",
        "factor.top": "bland de högsta {n} %",
        "factor.bottom": "bland de lägsta {n} %",
        "factor.above": "över mitten",
        "factor.below": "under mitten",
        "factor.density": "befolkningstätheten, {v}{u}, är {pos} i datamängden",
        "factor.level": "{label}, {v}{u}, är {pos} i datamängden",
        "factor.up": "ökade",
        "factor.down": "minskade",
        "factor.same": "var oförändrad",
        "factor.amount": " med {v}{u}",
        "factor.pp": " procentenheter",
        "factor.higher": "högre",
        "factor.lower": "lägre",
        "factor.rel": "{label} är {v}{u} {side} än i kommunen som helhet",
        "factor.lag": "grannområdenas {label}, i snitt {v}{u}, är {pos}",
        "factor.lag2": "i grannarnas grannområden är {label} i snitt {v}{u}, {pos}",
        "factor.radius": "inom {km} km är {label} i snitt {v}{u}, {pos}",
        "factor.density_unit": " inv./km²",
        "factor.ksek": " tkr",
        "factor.density_label": "befolkningstäthet",
        "trend.hela": "Över hela perioden",
        "trend.senaste": "De senaste tio åren",
        "trend.per": "per 100 000 och år",
        "trend.up": "ökar",
        "trend.down": "minskar",
        "trend.none": "finns ingen statistiskt säker trend",
        "trend.flat": "Ingen säker trend för",
        "trend.in_": "i",
        "trend.method": "(Mann-Kendall, p < {alpha}; lutning enligt Sen)",
        "trend.and_": "och",
        "focus.rise_t": "{label} ökar.",
        "focus.rise": "Anmälda {label} har ökat med i genomsnitt {v} per 100 000 invånare och år {first}–{last} i {name}.",
        "focus.rise_b": "Brå; Mann-Kendall p = {p}",
        "focus.high_t": "{label}: högre nivå än i {cmp}.",
        "focus.high": "{own} anmälda brott per 100 000 invånare {year} mot {other}.",
        "focus.high_b": "Brå, anmälda brott",
        "focus.worse_t": "{label}: sämre än i {cmp}.",
        "focus.worse": "{own} mot {other} ({unit}, {period}).",
        "focus.des_t": "Utpekade områden.",
        "focus.des": "Insatser i {names}, där omkring {pop} personer bor i DeSO som till minst en fjärdedel ligger inom områdena.",
        "focus.des_b": "Polismyndigheten; SCB",
        "focus.watch_t": "Bevaka områden som liknar de utpekade.",
        "focus.watch_b": "lägesbildens riskmodell, inte Polisens bedömning",
        "a.in": "i {name}, RegSO {regso}", "a.pop": "invånare · {km2} km²", "a.type": "Områdestyp: {label}",
        "a.risk": "risk (80 %-intervall {low}–{high}), nr {rank} i kommunen", "a.des": "Utpekat område: {names}",
        "a.none": "inget", "a.risk.text": "Risken är modellens skattning av hur mycket områdets öppna statistik liknar "
        "de av Polisen utpekade områdenas – inte Polisens bedömning och inget om enskilda.",
        "a.borders": "Området gränsar till ett utpekat område (visas som sammanhang, används inte i modellen).",
        "a.worse": "Försämrat sedan förra perioden:", "a.pct": "Percentil = andel DeSO i datamängden med lägre värde. "
        "– = uppgift saknas.", "sweden": "Sverige", "des.lead": "{n} områden. Ett DeSO räknas till ett område när minst "
        "25 % av DeSO-ytan ligger inom det (beräknat i SWEREF 99 TM). Invånare = summan i dessa DeSO. Källa: "
        "Polismyndigheten.", "des.region": "Polisregion", "des.kommun": "Kommun", "des.nodeso": "inga DeSO i datamängden",
        "me.sources": "Källor", "me.ind": "Indikatorer", "me.unit": "Enhet", "me.latest": "Senaste period",
        "me.worse": "Sämre när", "me.def": "Definition", "higher": "högre", "lower": "lägre",
        "me.typ": "Områdestyper", "me.typ.text": "Percentilrangordning mot alla områden på samma nivå i datamängden "
        "för {weights}, orienterade så att 100 är bäst; viktat medelvärde; klassgränser {limits} ger typ 1–5.",
        "me.risk": "Riskpoängen: vad den är och inte är", "me.model": "Vald modell: {name} (genomsnittlig precision i "
        "korsvalidering med hela kommuner utelämnade: {scores}). Fullständig utvärdering mot baslinjer med hela "
        "polisregioner utelämnade: lagesbild evaluate och modellkortet (MODEL_CARD.md).",
    },
    "en": {
        "app": "lägesbild", "tagline": "Situation picture of crime and neighbourhood vulnerability",
        "nav.start": "Start", "nav.designations": "Designated areas", "nav.method": "Method and sources",
        "nav.api": "API", "search": "Search kommun, DeSO code or area", "search.button": "Search",
        "lang.switch": "Svenska", "download": "Download", "start.title": "Sweden in the dataset",
        "start.lead": "Choose a municipality on the map or in the list. The map shows the municipalities in the "
                      "dataset by the chosen indicator; the Police's designated areas have a dashed red outline.",
        "start.lan": "Counties and municipalities", "deso": "DeSO", "designated": "designated areas",
        "area.profile": "Profile against municipality, county and dataset", "area.risk": "Risk and reasons",
        "area.neighbours": "Neighbouring areas", "area.type": "Area type", "area.designated": "Designated area",
        "area.map": "The area and its neighbours", "percentile": "Percentile", "indicator": "Indicator",
        "period": "Period", "value": "Value", "series": "Values by period", "source": "Source",
        "designations.title": "The Police's designated areas", "method.title": "Method and sources",
        "error.title": "Page not found", "error.suggest": "Did you mean", "search.title": "Search results",
        "search.none": "No results.", "footer": "Sources: SCB (CC0), Swedish Police, Brå. Areas, never people.",
        "map.text": "The map links every area; the same values are in the table.",
        "title": "Situation picture {name}", "subtitle": "Situation picture of crime and neighbourhood "
        "vulnerability – {level} {name} ({code}). Created {date}.", "toc": "Contents",
        "s1": "Summary", "s2": "Crime: extent and development", "s3": "Vulnerable and designated areas",
        "s4": "Early warning", "s4.long": "Early warning: areas developing towards the Police's designation",
        "s5": "Analysis and suggested focus areas", "s6": "Method, sources and limitations",
        "card.pop": "inhabitants ({period}, sum of DeSO)", "card.deso": "DeSO in {n} RegSO",
        "card.des": "areas designated by the Police ({year})",
        "card.mostly": "inhabitants ({share}) live in {n} DeSO mostly inside a designated area",
        "sum.des": "{name} has {n} area(s) on the Police's {year} list:", "sum.since": "since",
        "sum.labelled": "{n} DeSO lie at least {share} inside one of them; {pop} people live there.",
        "sum.none": "{name} has no area on the Police's {year} list.",
        "key.title": "Key figures against", "and": "and", "th.indicator": "Indicator", "th.period": "Period",
        "key.published": "Values marked * are SCB's own figures for the area, not means of the DeSO values.",
        "th.source": "Source", "key.note": "Values for the {level}, the county and the dataset are population-weighted "
        "means of the DeSO values (see Method). The reference level “{ref}” covers {coverage} – not all of Sweden.",
        "crime.h": "Reported crime", "crime.lead": "Reported offences per 100,000 inhabitants {first}–{last}: {names}. "
        "The comparisons are computed from the municipalities in the dataset (sum of offences / sum of inhabitants).",
        "crime.group": "Offence group", "crime.count": "Number {year}, {name}", "crime.per": "Per 100,000, {name}",
        "crime.change": "Change {first}–{last}, {name}", "crime.src": "Source: Brå, reported offences per municipality.",
        "crime.prelim": "Preliminary figures included.", "crime.caveat": "Reported crime also reflects the "
        "willingness to report and the work of the police, not crime alone.",
        "crime.none": "No crime statistics for {name} in the dataset.",
        "events.h": "Police events", "events.type": "Event type", "events.total": "Total",
        "events.lead": "{n} events published by the Police for {name}, {first}–{last}, by type and month.",
        "events.lan": "Also {n} events that the Police place only at county level ({lan}).",
        "events.note": "The events are a selection the Police choose to publish on polisen.se, not crime statistics. "
        "The place is the municipality or county (sometimes the municipality from the title), never an address. "
        "Source: Police events API.",
        "events.none": "No published Police events are stored for {name} (fetch them with `lagesbild events poll`).",
        "des.h": "The Police's designated areas", "des.area": "Area", "des.cat": "Category", "des.ort": "Place",
        "des.since": "Since", "des.km2": "Area, km²", "des.deso": "DeSO at least {share} inside",
        "des.pop": "Inhabitants of these DeSO", "des.src": "Source: Swedish Police, list {year}. The share of each DeSO "
        "inside an area is computed by lägesbild in SWEREF 99 TM (EPSG:3006); overlaps under one hectare are ignored. "
        "The Police's assessment is qualitative; the figures describe areas, not their residents.",
        "des.none": "No designated areas in {name}.",
        "map.h": "Map of DeSO areas", "map.lead": "Choose an indicator. Darker means a worse position (for indicators "
        "without a direction: a higher value). Classes are fifths of all {n} DeSO in the dataset, so colours mean the "
        "same in every municipality. Designated areas have a dashed red outline. Hover over (or tab to) an area for its "
        "values; the same values are in the table below.", "map.choose": "Indicator on the map",
        "map.designated": "designated area", "map.src": "Source: SCB (DeSO statistics and boundaries, CC0), Swedish "
        "Police (designated areas). Boundaries are simplified for display.",
        "typ.h": "Socioeconomic area types", "typ.lead": "Each DeSO gets one of five types from an index of percentile "
        "ranks against all DeSO in the dataset (weights: {weights}; class limits on the index {limits}), in the spirit "
        "of Segregationsbarometern. The type is relative: it compares the areas in the dataset with each other.",
        "typ.type": "Type", "typ.pop": "Inhabitants", "typ.popshare": "Share of inhabitants",
        "typ.dataset": "Share of all DeSO in the dataset",
        "tab.h": "All DeSO in {name}", "tab.lead": "Each row is a DeSO. Marked cells deviate more than {z} standard "
        "deviations from the {level}'s DeSO in the worse direction. “Deviation” is the mean of the signed deviations "
        "(positive = worse); the {n} rows that deviate most have a red edge. Click a column header to sort.",
        "tab.pop": "Inhabitants", "tab.inside": "Inside designated area", "tab.area": "Area", "tab.type": "Type",
        "tab.risk": "Risk", "tab.dev": "Deviation",
        "tab.missing": "– = missing or suppressed by SCB (never zero). Source:",
        "warn.is": "What the score is.", "warn.is.text": "The risk is the model's estimated probability that a DeSO "
        "lies in one of the Police's designated areas (at least {share} of its area inside one), computed from open "
        "statistics only: income, employment, education, housing, density, the difference from the municipality and "
        "the surroundings. It says how much the area's statistics resemble those of the designated areas.",
        "warn.isnot": "What it is not.", "warn.isnot.text": "It is not the Police's assessment – which is qualitative "
        "and rests on criminal networks' influence on the local community – and it says nothing about individuals. "
        "{background} The model ({model}) was chosen by cross-validation; the interval is an 80 % interval from models "
        "fitted on bootstrap samples of municipalities. The reasons are the model's own contributions (log-odds) of the "
        "three strongest factors. Evaluation and limitations: the model card (lagesbild evaluate).",
        "warn.bg.no": "Foreign background is not used.", "warn.bg.yes": "RESEARCH MODE: foreign background is used.",
        "warn.list": "Watchlist", "warn.lead": "The {n} DeSO with the highest risk among those not designated today. "
        "Bordering a designated area is shown as context; the model does not use it.",
        "warn.risk": "Risk (80 % interval)", "warn.rank": "Rank in municipality", "warn.type": "Area type",
        "warn.inside": "Inside designated", "warn.borders": "Borders designated",
        "warn.reasons": "Three main reasons (contribution in log-odds)", "warn.worse": "Worse since the last period",
        "warn.up": "↑ raises", "warn.down": "↓ lowers", "warn.none": "No DeSO outside the designated areas in {name}.",
        "warn.map": "Risk per DeSO", "warn.src": "Source: lägesbild, computed from SCB's DeSO statistics 2024–2025 and "
        "the Police's {year} list.", "yes": "yes", "no": "no",
        "focus.lead": "The suggestions follow directly from the figures of this situation picture; each names the "
        "problem it rests on, so that measures in the action plan can be tied to it and followed up.",
        "focus.none": "No clear deviations in the dataset.",
        "src.publisher": "Source", "src.title": "Content", "src.licence": "Licence", "src.retrieved": "Retrieved",
        "src.note": "Note", "m.ind": "Indicators.", "m.cmp": "Comparisons.", "m.cmp.text": "Municipality, county and "
        "dataset values are population-weighted means of the DeSO values. The dataset covers {coverage}; the reference "
        "level is therefore called “{ref}” and is not Sweden.", "m.des": "Designated areas.",
        "m.des.text": "A DeSO counts as lying in a designated area when at least {share} of its area is inside it, and "
        "“mostly” when more than {mostly} is. The Police's assessment is qualitative and rests on local police "
        "knowledge; the statistics here describe areas, never individuals.",
        "m.missing": "Missing values are shown as “–”, never as zero.",
        "footer.report": "lägesbild {version} · dataset {fp} ({date}) · Sources: SCB, Swedish Police, Brå.",
        "level.kommun": "municipality", "level.lan": "county", "level.riket": "dataset",
        "map.kommun": "The whole municipality", "map.lan": "The whole county", "map.riket": "The whole dataset",
        "map.urban": "The town closer (DeSO of type C)", "missing": "missing", "page": "Page", "of": "of",
        "factor.top": "among the highest {n} %",
        "factor.bottom": "among the lowest {n} %",
        "factor.above": "above the middle",
        "factor.below": "below the middle",
        "factor.density": "population density, {v}{u}, is {pos} in the dataset",
        "factor.level": "{label}, {v}{u}, is {pos} in the dataset",
        "factor.up": "rose",
        "factor.down": "fell",
        "factor.same": "was unchanged",
        "factor.amount": " by {v}{u}",
        "factor.pp": " percentage points",
        "factor.higher": "higher",
        "factor.lower": "lower",
        "factor.rel": "{label} is {v}{u} {side} than in the municipality as a whole",
        'factor.lag': "the neighbouring areas' {label}, {v}{u} on average, is {pos}",
        'factor.lag2': "in the neighbours' neighbouring areas, {label} averages {v}{u}, {pos}",
        "factor.radius": "within {km} km, {label} averages {v}{u}, {pos}",
        "factor.density_unit": " inh./km²",
        "factor.ksek": " kSEK",
        "factor.density_label": "population density",
        "trend.hela": "Over the whole period",
        "trend.senaste": "Over the last ten years",
        "trend.per": "per 100,000 a year",
        "trend.up": "rising:",
        "trend.down": "falling:",
        "trend.none": "there is no statistically certain trend",
        "trend.flat": "No certain trend for",
        "trend.in_": "in",
        'trend.method': "(Mann-Kendall, p < {alpha}; Sen's slope)",
        "trend.and_": "and",
        "focus.rise_t": "{label} rising.",
        "focus.rise": "Reported {label} rose by {v} per 100,000 inhabitants a year on average {first}–{last} in {name}.",
        "focus.rise_b": "Brå; Mann-Kendall p = {p}",
        "focus.high_t": "{label}: higher level than in {cmp}.",
        "focus.high": "{own} reported offences per 100,000 inhabitants in {year} against {other}.",
        "focus.high_b": "Brå, reported offences",
        "focus.worse_t": "{label}: worse than in {cmp}.",
        "focus.worse": "{own} against {other} ({unit}, {period}).",
        "focus.des_t": "Designated areas.",
        "focus.des": "Measures in {names}, where about {pop} people live in DeSO at least a quarter inside the areas.",
        "focus.des_b": "Swedish Police; SCB",
        "focus.watch_t": "Watch areas that resemble the designated ones.",
        'focus.watch_b': "lägesbild's risk model, not the Police's assessment",
        "a.in": "in {name}, RegSO {regso}", "a.pop": "inhabitants · {km2} km²", "a.type": "Area type: {label}",
        "a.risk": "risk (80 % interval {low}–{high}), no. {rank} in the municipality", "a.des": "Designated area: {names}",
        "a.none": "none", "a.risk.text": "The risk is the model's estimate of how much the area's open statistics "
        "resemble those of the areas designated by the Police – not the Police's assessment and nothing about individuals.",
        "a.borders": "The area borders a designated area (shown as context, not used by the model).",
        "a.worse": "Worse since the last period:", "a.pct": "Percentile = share of DeSO in the dataset with a lower value. "
        "– = missing.", "sweden": "Sweden", "des.lead": "{n} areas. A DeSO counts towards an area when at least 25 % of "
        "it lies inside (computed in SWEREF 99 TM). Inhabitants = the sum over these DeSO. Source: Swedish Police.",
        "des.region": "Police region", "des.kommun": "Municipality", "des.nodeso": "no DeSO in the dataset",
        "me.sources": "Sources", "me.ind": "Indicators", "me.unit": "Unit", "me.latest": "Latest period",
        "me.worse": "Worse when", "me.def": "Definition (Swedish)", "higher": "higher", "lower": "lower",
        "me.typ": "Area types", "me.typ.text": "Percentile ranks against all areas of the same level in the dataset "
        "for {weights}, oriented so that 100 is best; weighted mean; class limits {limits} give types 1–5.",
        "me.risk": "The risk score: what it is and is not", "me.model": "Chosen model: {name} (average precision in "
        "cross-validation with whole municipalities held out: {scores}). Full evaluation against baselines with whole "
        "police regions held out: lagesbild evaluate and the model card (MODEL_CARD.md).",
    },
}


def t(key: str, lang: str = "sv") -> str:
    return TEXT.get(lang, TEXT["sv"]).get(key) or TEXT["sv"].get(key, key)
