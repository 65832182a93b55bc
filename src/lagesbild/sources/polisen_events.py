"""The Police's events API (polisen.se/api/events): the 500 latest published events.

Limits (the Police's terms): at least 10 s between calls, at most 60 an hour and 1,440 a day. The
limiter keeps its call times in a small state file per machine, so the limits also hold across
separate ``events poll --once`` runs (for example from cron).

Each event is validated, its type normalised (``TYPE_RULES``) and its place mapped to a kommun or a
län: ``location.name`` is a kommun or län name (with the centre point of that area, not the event's
place). When it is a län, the last part of the title ("28 februari 15.32, Brand, Ronneby") often
names the kommun; that is used when it is a kommun in that län, and marked as located by title.
Events are a selection the Police chooses to publish, not crime statistics.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lagesbild.errors import SourceFetchError
from lagesbild.geo.codes import place_key
from lagesbild.sources.http import RateLimit, RateLimiter, SourceClient

SOURCE = "Polisen, händelser"
LIMIT = RateLimit(calls=60, window=3600.0, min_interval=10.0, extra=[(1440, 86400.0)])

# (normalised type, prefixes of the Police's type names), first match wins. Order matters.
TYPE_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("skottlossning", ("skottlossning", "skottlossning, misstänkt")),
    ("sprangning", ("explosion", "detonation", "sprängning", "sprängämne", "bombhot")),
    ("mord_drap", ("mord/dråp",)),
    ("misshandel", ("misshandel",)),
    ("ran", ("rån",)),
    ("narkotika", ("narkotikabrott",)),
    ("vapen", ("vapenlagen", "knivlagen")),
    ("inbrott", ("inbrott", "stöld/inbrott")),
    ("stold", ("stöld", "tillgrepp", "bedrägeri")),
    ("skadegorelse", ("skadegörelse",)),
    ("hot_vald", ("olaga hot", "våld/hot", "hot", "ofredande", "sexualbrott", "bråk")),
    ("brand", ("brand",)),
    ("trafik", ("trafik", "rattfylleri")),
    ("sammanfattning", ("sammanfattning",)),
]
TYPE_LABELS = {
    "skottlossning": ("Skottlossning", "Shooting"), "sprangning": ("Sprängning/detonation", "Explosion"),
    "mord_drap": ("Mord/dråp", "Murder/manslaughter"), "misshandel": ("Misshandel", "Assault"),
    "ran": ("Rån", "Robbery"), "narkotika": ("Narkotikabrott", "Drug offence"),
    "vapen": ("Vapen- och knivlagen", "Weapons and knives"), "inbrott": ("Inbrott", "Burglary"),
    "stold": ("Stöld och bedrägeri", "Theft and fraud"), "skadegorelse": ("Skadegörelse", "Criminal damage"),
    "hot_vald": ("Hot, bråk och sexualbrott", "Threats, fights and sexual offences"),
    "brand": ("Brand", "Fire"), "trafik": ("Trafik", "Traffic"),
    "sammanfattning": ("Sammanfattning", "Summary"), "ovrigt": ("Övrigt", "Other"),
}
DATETIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{1,2}):(\d{2}):(\d{2}) ([+-]\d{2}):?(\d{2})$")


def normalise_type(raw: str) -> str:
    t = raw.strip().lower()
    for key, prefixes in TYPE_RULES:
        if any(t == p or t.startswith(p) for p in prefixes):
            return key
    return "ovrigt"


@dataclass
class Places:
    """Kommun and län names -> codes, for locating events."""

    kommun: dict[str, str]  # normalised name -> code
    lan: dict[str, str]  # normalised name ("östergötlands län") -> code

    @classmethod
    def from_reference(cls, kommuner: dict[str, tuple[str, str]], lan: dict[str, tuple[str, ...]]) -> Places:
        return cls({place_key(n): c for c, (n, _) in kommuner.items()}, {place_key(n): c for c, (n, *_) in lan.items()})

    def locate(self, location: str, title: str) -> tuple[str | None, str | None, str]:
        """(kommun, län, located_by) for an event."""
        loc = place_key(location)
        if loc in self.kommun:
            k = self.kommun[loc]
            return k, k[:2], "location"
        lan = self.lan.get(loc) or self.lan.get(loc.replace(" län", "") + "s län")
        if lan is None:
            return None, None, "none"
        last = place_key(title.rsplit(",", 1)[-1]) if "," in title else ""
        k = self.kommun.get(last)
        if k and k.startswith(lan):
            return k, lan, "title"
        return None, lan, "location"


@dataclass
class Event:
    id: int
    occurred: datetime  # local time as published (no time zone)
    type_raw: str
    type: str
    name: str
    summary: str | None
    url: str | None
    location_name: str
    kommun: str | None
    lan: str | None
    located_by: str
    raw: str


def parse_datetime(text: str) -> datetime:
    m = DATETIME_RE.match(text.strip())
    if not m:
        raise ValueError(text)
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    return datetime(y, mo, d, h, mi, s)


def parse_events(doc: Any, where: str, places: Places) -> list[Event]:
    if not isinstance(doc, list):
        raise SourceFetchError(SOURCE, where, f"expected a JSON list of events, got {type(doc).__name__} "
                                              "(has the format changed?)")
    out = []
    for i, e in enumerate(doc):
        rec = f"event {i + 1}"
        if not isinstance(e, dict):
            raise SourceFetchError(SOURCE, where, f"{rec} is not an object")
        for key in ("id", "datetime", "name", "type", "location"):
            if key not in e:
                raise SourceFetchError(SOURCE, where, f"{rec}: field {key!r} is missing (has the format changed?)")
        if not isinstance(e["id"], int) or isinstance(e["id"], bool):
            raise SourceFetchError(SOURCE, where, f"{rec}: 'id' is not a whole number: {e['id']!r}")
        loc = e["location"]
        if not isinstance(loc, dict) or not isinstance(loc.get("name"), str):
            raise SourceFetchError(SOURCE, where, f"{rec} (id {e['id']}): 'location.name' is missing")
        try:
            occurred = parse_datetime(str(e["datetime"]))
        except ValueError:
            raise SourceFetchError(SOURCE, where, f"{rec} (id {e['id']}): 'datetime' {e['datetime']!r} is not "
                                                  "'YYYY-MM-DD H:MM:SS +HH:MM'") from None
        kommun, lan, how = places.locate(loc["name"], str(e["name"]))
        out.append(Event(e["id"], occurred, str(e["type"]), normalise_type(str(e["type"])), str(e["name"]),
                         e.get("summary"), e.get("url"), loc["name"], kommun, lan, how,
                         json.dumps(e, ensure_ascii=False, sort_keys=True)))
    return out


class FileCallLog:
    """Call times of one source in a JSON file under ``$XDG_STATE_HOME/lagesbild`` (per machine)."""

    def __init__(self, name: str, directory: Path | None = None) -> None:
        base = directory or Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "lagesbild"
        self.path = base / f"calls-{name}.json"

    def load(self) -> list[float]:
        try:
            data = json.loads(self.path.read_text())
            return [float(t) for t in data if isinstance(t, int | float)]
        except (FileNotFoundError, json.JSONDecodeError):
            return []

    def record(self, at: float) -> None:
        from lagesbild.files import write_text_atomic

        keep = [t for t in self.load() if t > at - 86400.0] + [at]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.path, json.dumps(keep))


def client(settings: Any = None, log: FileCallLog | None = None) -> SourceClient:
    return SourceClient(SOURCE, RateLimiter(LIMIT, log or FileCallLog("polisen-events"), clock=time.time),
                        settings=settings)


def fetch(source_client: SourceClient, url: str, places: Places) -> list[Event]:
    return parse_events(source_client.json("GET", url), url, places)
