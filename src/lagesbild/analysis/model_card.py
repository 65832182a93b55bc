"""MODEL_CARD.md: what the risk model is, how well it does on held-out groups, and what it is not."""

from __future__ import annotations

from typing import Any

from lagesbild.analysis.evaluate import METHODS
from lagesbild.analysis.features import FeatureSet, describe
from lagesbild.analysis.risk import RiskModel
from lagesbild.report.fmt import percent_share

GROUP_LABELS = {"polisregion": "polisregion", "lan": "län", "kommun": "kommungrupp"}


def _f(x: float) -> str:
    return f"{x:.3f}"


def render(result: dict[str, Any], fs: FeatureSet, model: RiskModel, meta: dict[str, str]) -> str:
    lines: list[str] = []
    if fs.research_background:
        lines.append("**FORSKNINGSLÄGE: modellen använder utländsk bakgrund som variabel.** Den används inte som "
                     "standard i lägesbild och resultaten får inte användas operativt.")
        lines.append("")
    g = GROUP_LABELS[result["group"]]
    lines += [
        "# Modellkort: riskmodell för utpekade områden",
        "",
        f"lägesbild {model.version} · datamängd {meta.get('fingerprint', '?')} · etikettgräns "
        f"{percent_share(fs.threshold)} · utvärdering med hela {g}er utelämnade",
        "",
        "## Vad modellen skattar",
        "",
        f"Sannolikheten att ett DeSO ligger i ett av Polisens utpekade områden (utsatt eller särskilt utsatt, "
        f"lista {meta.get('designation_list_year', '?')}), där etiketten är att minst {percent_share(fs.threshold)} av "
        "DeSO-ytan ligger inom ett sådant område. Poängen beskriver hur mycket ett områdes öppna statistik liknar "
        "de utpekade områdenas. Den är **inte** Polisens bedömning, som är kvalitativ och bygger på lokalpolisens "
        "kunskap om kriminella nätverks påverkan, och den säger ingenting om enskilda människor.",
        "",
        "## Data",
        "",
        f"- {result['n_areas']} DeSO (indelning 2025) i datamängden, varav {result['n_positive']} utpekade enligt "
        "etiketten; datamängden täcker inte hela riket.",
        "- Källor: SCB (DeSO-statistik 2024–2025, CC0), Polismyndigheten (utpekade områden 2025).",
        "",
        "## Variabler",
        "",
        "Endast öppna indikatorer; ingen variabel härleds ur utpekandena (inte heller avstånd till eller "
        "grannars etikett). Om ett område gränsar till ett utpekat område visas bredvid poängen, men används inte.",
        "",
    ]
    kinds = {"level": "nivå", "change": "förändring mellan de två senaste perioderna",
             "rel": "skillnad mot kommunen", "lag": "grannområdenas medelvärde (queen-grannar)",
             "lag2": "medelvärde över grannarnas grannar", "r1000": "befolkningsviktat medelvärde inom 1 km",
             "r2500": "befolkningsviktat medelvärde inom 2,5 km"}
    for kind, label in kinds.items():
        names = sorted({describe(c)[2] for c in fs.X.columns if c.startswith(kind + "__")})
        lines.append(f"- {label.capitalize()}: {', '.join(names)}.")
    lines += ["- Utländsk bakgrund: " + ("**ingår (forskningsläge)**." if fs.research_background
                                         else "ingår inte."), ""]
    lines += [
        "## Modellval",
        "",
        "Kandidaterna (regulariserad logistisk regression och gradient boosting med LightGBM) jämförs med "
        "korsvalidering där hela kommuner hålls utanför; den med högst genomsnittlig precision väljs. "
        "Poängen kalibreras med Platt-skalning på samma korsvaliderade poäng.",
        "",
        "| kandidat | genomsnittlig precision (inre korsvalidering, alla data) |",
        "|---|---|",
    ]
    for name, score in model.cv_scores.items():
        mark = " **(vald)**" if name == model.candidate.name else ""
        lines.append(f"| {name}{mark} | {_f(score)} |")
    chosen = result["methods"][0].get("chosen_per_fold", {})
    lines += ["", "Vald modell i varje utvärderingsvarv: " +
              "; ".join(f"{k}: {v}" for k, v in chosen.items()) + ".", ""]
    lines += [
        "## Utvärdering",
        "",
        f"Varje {g} hålls utanför i tur och ordning; modellval, anpassning och kalibrering görs bara på de "
        "övriga. Mått över alla utelämnade delar sammantaget, och medelvärde ± standardavvikelse över varven. "
        "Precision vid k: andelen utpekade bland de k högst rankade, där k är antalet utpekade DeSO.",
        "",
        "| metod | ROC AUC | genomsnittlig precision | precision vid k | Brier |",
        "|---|---|---|---|---|",
    ]
    for m in result["methods"]:
        o, s = m["overall"], m["fold_spread"]
        lines.append(f"| {METHODS[m['method']]} | {_f(o['roc_auc'])} ({_f(s['roc_auc']['mean'])} ± "
                     f"{_f(s['roc_auc']['sd'])}) | {_f(o['average_precision'])} ({_f(s['average_precision']['mean'])}"
                     f" ± {_f(s['average_precision']['sd'])}) | {_f(o['precision_at_k'])} "
                     f"({_f(s['precision_at_k']['mean'])} ± {_f(s['precision_at_k']['sd'])}) | {_f(o['brier'])} |")
    lines += ["", f"### Per utelämnad {g}", "", "| metod | grupp | n | utpekade | ROC AUC | genomsnittlig precision |"
              " precision vid k | Brier |", "|---|---|---|---|---|---|---|---|"]
    for m in result["methods"]:
        for name, v in m["groups"].items():
            lines.append(f"| {m['method']} | {name} | {v['n']} | {v['k']} | {_f(v['roc_auc'])} | "
                         f"{_f(v['average_precision'])} | {_f(v['precision_at_k'])} | {_f(v['brier'])} |")
    lines += ["", "### Kalibrering (riskmodellen, alla utelämnade delar)", "",
              "| skattad sannolikhet | antal DeSO | medel skattad | andel utpekade |", "|---|---|---|---|"]
    for row in result["methods"][0]["calibration"]:
        lines.append(f"| {row['low']:.1f}–{row['high']:.1f} | {row['n']} | {_f(row['mean_predicted'])} | "
                     f"{_f(row['observed'])} |")
    lines += [
        "",
        "## Kända begränsningar",
        "",
        "- Polisens bedömning är kvalitativ; modellen skattar och förklarar, den återskapar den inte. Områden "
        "med hög poäng som inte är utpekade är inte fel i sig – de är just de områden en lägesbild bör titta på.",
        "- Etiketten gäller områden, inte människor. Ett DeSO delvis inom ett utpekat område kan ha en blandad "
        "befolkning; gränsen på 25 % är ett val (parameter).",
        "- Områden som gränsar till utpekade områden får ofta hög poäng eftersom de liknar dem statistiskt; det är "
        "inte ett misslyckande för modellen.",
        "- Datamängden täcker delar av Sverige (Stockholm, Öst, Mitt och Bergslagen); tillämpning i andra "
        "regioner är inte utvärderad. Basfrekvensen skiljer sig mellan regioner (Stockholm har flest utpekade "
        "områden), vilket gör kalibreringen osäkrare när en hel region hålls utanför.",
        "- Indikatorerna är från 2024–2025 och förändringsvariabler finns bara där två perioder finns.",
        "- Variabeluppsättningen (grannskap i flera skalor, skillnad mot kommunen) togs fram genom att jämföra "
        "varianter i just denna utvärdering; siffrorna ovan är därför något optimistiska för helt nya data.",
        "- Osäkerheten visas som ett 80 %-intervall från modeller anpassade på bootstrapurval av kommuner.",
        "",
        "## Etik",
        "",
        "- Områden, aldrig personer: inga personuppgifter lagras eller används.",
        "- Födelseland och utländsk bakgrund är inte variabler i standardläget.",
        "- Varje poäng visas med sin osäkerhet och sina tre viktigaste skäl, så att den kan ifrågasättas.",
        "- Poängen är ett stöd för att prioritera lägesbildsarbete och förebyggande insatser, inte underlag för "
        "åtgärder mot enskilda.",
        "",
    ]
    return "\n".join(lines)
