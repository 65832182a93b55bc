"""The web app in a real headless Chromium (Debian's chromium and chromium-driver, through Selenium):
browse from Sweden to Östergötland to Norrköping to one DeSO by clicking the maps."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM = shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(db_path: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    exe = Path(sys.executable).parent / "lagesbild"
    proc = subprocess.Popen([str(exe), "--db", str(db_path), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(url + "/api/v1/indicators", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the server did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):  # type: ignore[no-untyped-def]
    if not (CHROMEDRIVER and CHROMIUM):
        if os.environ.get("LAGESBILD_SKIP_BROWSER") == "1":
            pytest.skip("LAGESBILD_SKIP_BROWSER=1")
        pytest.fail("chromium and chromium-driver are needed: run `make test` (installs them)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1600", f"--user-data-dir={tmp_path_factory.mktemp('chrome')}"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    yield drv
    drv.quit()


def shapes(drv, map_id: str) -> list:  # type: ignore[no-untyped-def]
    return drv.find_elements(By.CSS_SELECTOR, f"svg#{map_id} path.area")


def click_area(drv, map_id: str, code: str) -> None:  # type: ignore[no-untyped-def]
    el = drv.find_element(By.CSS_SELECTOR, f'svg#{map_id} path.area[data-code="{code}"]')
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
    el.click()


def test_browse_sweden_to_deso(server, driver, repo, artifacts) -> None:
    driver.get(server + "/")
    kommuner = repo.areas("kommun")
    assert len(shapes(driver, "map-start")) == int((kommuner["n_deso"] > 0).sum())
    driver.save_screenshot(str(artifacts / "web-start.png"))

    driver.find_element(By.LINK_TEXT, "Östergötlands län").click()
    WebDriverWait(driver, 30).until(ec.url_contains("/lan/05"))
    assert len(shapes(driver, "map-all")) == len(repo.areas("deso", lan="05"))

    driver.back()
    WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg#map-start")))
    click_area(driver, "map-start", "0581")
    WebDriverWait(driver, 30).until(ec.url_contains("/kommun/0581"))
    assert len(shapes(driver, "map-all")) == 79
    # The indicator selector recolours every area with its risk colour, and the legend follows.
    fills = "return Array.from(document.querySelectorAll('svg#map-all path.area')).map(p => p.getAttribute('fill'))"
    before = driver.execute_script(fills)
    driver.find_element(By.CSS_SELECTOR, 'input[name="indicator"][value="risk"]').click()
    after = driver.execute_script(fills)
    wanted = driver.execute_script("return Array.from(document.querySelectorAll('svg#map-all path.area'))"
                                   ".map(p => p.getAttribute('data-fill-risk'))")
    assert after == wanted and after != before
    assert driver.find_element(By.CSS_SELECTOR, '.legend[data-legend="risk"]').is_displayed()
    driver.save_screenshot(str(artifacts / "web-kommun-0581.png"))

    click_area(driver, "map-urban", "0581C1100")
    WebDriverWait(driver, 30).until(ec.url_contains("/omrade/0581C1100"))
    assert "DeSO 0581C1100" in driver.find_element(By.TAG_NAME, "h1").text
    assert "Hageby" in driver.page_source
    driver.save_screenshot(str(artifacts / "web-omrade-0581C1100.png"))
    link = driver.find_element(By.LINK_TEXT, "CSV").get_attribute("href")
    csv_text = httpx.get(link, timeout=10).text
    assert csv_text.splitlines()[1].startswith("0581C1100")


def test_keyboard_and_text_alternatives(server, driver) -> None:
    driver.get(server + "/kommun/0581")
    svg = driver.find_element(By.CSS_SELECTOR, "svg#map-all")
    assert svg.get_attribute("role") == "img" and svg.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    first = shapes(driver, "map-all")[0]
    assert first.get_attribute("tabindex") == "0"
    assert first.find_element(By.TAG_NAME, "title").get_attribute("textContent").startswith("DeSO 0581")
