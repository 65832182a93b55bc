"""The JSON API and the pages, in-process, on the real data."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from lagesbild.web.app import create_app


@pytest.fixture(scope="module")
def client(repo) -> TestClient:
    return TestClient(create_app(repo))


def test_areas_list_filter_and_pagination(client) -> None:
    r = client.get("/api/v1/areas", params={"kommun": "0581", "level": "deso", "limit": 50})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 79 and len(body["items"]) == 50 and body["next"]
    rest = client.get(body["next"]).json()
    assert len(rest["items"]) == 29 and rest["next"] is None
    codes = {i["code"] for i in body["items"]} | {i["code"] for i in rest["items"]}
    assert len(codes) == 79
    r = client.get("/api/v1/areas", params={"level": "kommun", "parent": "05"}).json()
    assert r["total"] == 13
    assert client.get("/api/v1/areas", params={"level": "lan", "limit": 100}).json()["total"] == 21


def test_one_area(client) -> None:
    a = client.get("/api/v1/areas/0581C1100").json()
    assert a["level"] == "deso" and a["kommun"] == "0581" and a["designated_areas"] == ["Hageby"]
    assert a["indicators"]["low_econ"] == {"value": 52.0, "period": "2024"}
    assert 0 <= a["risk_low"] <= a["risk"] <= a["risk_high"] <= 1 and len(a["risk_factors"]) == 3
    k = client.get("/api/v1/areas/0581").json()
    assert k["level"] == "kommun" and k["n_deso"] == 79 and "low_econ" in k["indicators"]


def test_errors(client) -> None:
    r = client.get("/api/v1/areas/0581C9999")
    assert r.status_code == 404
    err = r.json()["error"]
    assert err["status"] == 404 and "0581C9999" in err["message"] and err["suggestions"]
    assert client.get("/api/v1/areas/0518").status_code == 404
    for url in ("/api/v1/areas/nonsense", "/api/v1/areas?level=planet", "/api/v1/areas?limit=0",
                "/api/v1/areas?kommun=58", "/api/v1/observations?area=0581&from=20x1", "/api/v1/observations",
                "/api/v1/typology?level=kommun", "/api/v1/watchlist?top=0"):
        r = client.get(url)
        assert r.status_code == 422, url
        assert r.json()["error"]["status"] == 422
    assert client.get("/api/v1/risk", params={"kommun": "0114"}).status_code == 404
    assert client.get("/api/v1/observations", params={"area": "0581", "indicator": "nope"}).status_code == 404


def test_indicators_and_observations(client) -> None:
    inds = {i["id"]: i for i in client.get("/api/v1/indicators").json()}
    assert inds["low_econ"]["worse"] == "higher" and inds["low_econ"]["latest_period"] == "2024"
    obs = client.get("/api/v1/observations", params={"area": ["0581", "05"], "indicator": "brott_total_100k",
                                                     "from": "2016", "to": "2025", "frequency": "year"}).json()
    assert obs["total"] == 20
    assert {o["period"] for o in obs["items"]} == {str(y) for y in range(2016, 2026)}
    q = client.get("/api/v1/observations", params={"area": "0581", "indicator": "brott_total",
                                                   "from": "2024K3", "to": "2025"}).json()
    assert [o["period"] for o in q["items"]] == ["2024K3", "2024K4", "2025", "2025K1", "2025K2", "2025K3", "2025K4"]


def test_designations_risk_watchlist_typology(client) -> None:
    des = client.get("/api/v1/designations", params={"kommun": "0581"}).json()["items"]
    assert {d["name"] for d in des} == {"Hageby", "Navestad"}
    hageby = next(d for d in des if d["name"] == "Hageby")
    assert hageby["since"] == "2023-12-01" and "0581C1100" in hageby["deso"]
    assert client.get("/api/v1/designations", params={"limit": 100}).json()["total"] == 65
    risk = client.get("/api/v1/risk", params={"kommun": "0581", "limit": 100}).json()
    assert risk["total"] == 79
    values = [i["risk"] for i in risk["items"]]
    assert values == sorted(values, reverse=True)
    wl = client.get("/api/v1/watchlist", params={"lan": "05", "top": 5}).json()["items"]
    assert len(wl) == 5 and all(i["designated_share"] < 0.25 for i in wl)
    typ = client.get("/api/v1/typology", params={"level": "regso", "kommun": "0581"}).json()
    assert typ["total"] == 40 and {i["type"] for i in typ["items"]} <= {1, 2, 3, 4, 5}


def test_etag_and_openapi(client) -> None:
    r = client.get("/api/v1/areas/0581C1100")
    tag = r.headers["etag"]
    assert r.headers["last-modified"]
    again = client.get("/api/v1/areas/0581C1100", headers={"If-None-Match": tag})
    assert again.status_code == 304 and not again.content
    other = client.get("/api/v1/areas/0581C1120")
    assert other.headers["etag"] != tag
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/v1/areas", "/api/v1/areas/{code}", "/api/v1/indicators", "/api/v1/observations",
            "/api/v1/designations", "/api/v1/risk", "/api/v1/watchlist", "/api/v1/typology"} <= paths


def test_pages_and_downloads(client) -> None:
    for url in ("/", "/?lang=en", "/lan/05", "/kommun/0581", "/kommun/Norrköping", "/omrade/0581C1100", "/omraden",
                "/metod"):
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), url
        assert "http://" not in r.text.replace('xmlns="http://www.w3.org/2000/svg"', ""), url
    assert "Sweden in the dataset" in client.get("/?lang=en").text
    english = client.get("/omrade/0581C1100?lang=en").text
    assert "Risk and reasons" in english and "↑ raises" in english and "Risk och skäl" not in english
    assert "What the score is" in client.get("/metod?lang=en").text
    assert "2. Crime: extent and development" in client.get("/kommun/0581?lang=en").text
    page = client.get("/kommun/0581").text
    assert page.count('href="/omrade/0581') >= 79
    r = client.get("/kommun/0518")
    assert r.status_code == 404 and "0581" in r.text
    csv_text = client.get("/kommun/0581.csv").text
    assert csv_text.count("\n0581") == 79
    gj = json.loads(client.get("/omrade/0581C1100.geojson").text)
    feat = gj["features"][0]
    assert feat["properties"]["code"] == "0581C1100" and feat["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = feat["geometry"]["coordinates"][0][0][:2] if feat["geometry"]["type"] == "Polygon" else \
        feat["geometry"]["coordinates"][0][0][0][:2]
    assert 16 < lon < 16.3 and 58.5 < lat < 58.7, "GeoJSON is WGS84 [lon, lat]"
    assert json.loads(client.get("/omraden.geojson").text)["features"].__len__() == 65
    kommuner = client.get("/kommuner.csv").text.splitlines()
    assert len(kommuner) == 33 and kommuner[0].startswith("code,name,lan,population")
    assert len(json.loads(client.get("/kommuner.geojson").text)["features"]) == 32
    assert client.get("/sok", params={"q": "Hageby"}, follow_redirects=False).headers["location"].startswith("/omraden")
    assert client.get("/sok", params={"q": "0581C1100"}, follow_redirects=False).headers["location"] == \
        "/omrade/0581C1100"
