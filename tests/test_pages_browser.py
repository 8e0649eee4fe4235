"""The pages in a real headless Chromium (the ``browser`` fixture): every asset a page loads comes from the server."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from conftest import PROJECT_ROOT, UNLIMITED, Server, requested_urls, select

pytestmark = pytest.mark.browser

REPORT = "id/document/CTOC/COP/WG.4/2023/5"


@pytest.fixture(scope="module")
def site(serve) -> Server:
    return serve(*UNLIMITED)


def assert_self_contained(driver, server: Server) -> None:
    """Nothing the page loaded came from anywhere but the server, and its stylesheet did load."""
    urls = [u for u in requested_urls(driver) if u.startswith(("http:", "https:", "ws:", "wss:"))]
    own = urlsplit(server.url).netloc
    assert urls and all(urlsplit(u).netloc == own for u in urls), urls
    assert any(u.endswith("/static/style.css") for u in urls)
    for tag, attribute in (("script", "src"), ("img", "src"), ("link", "href"), ("iframe", "src")):
        for element in driver.find_elements("tag name", tag):
            value = element.get_attribute(attribute)
            assert not value or urlsplit(value).netloc == own, value


def visit(driver, url: str) -> None:
    """Load ``url``, forgetting what earlier pages requested."""
    requested_urls(driver)
    driver.get(url)


def test_home_page(browser, site: Server) -> None:
    visit(browser, site.url)
    assert browser.find_element("tag name", "h1").text
    counts = {e.get_attribute("data-kind"): int(e.text) for e in browser.find_elements("css selector", "span.count")}
    groups = select(site, f"SELECT (COUNT(DISTINCT ?g) AS ?n) {{ ?g a <{site.url}ontology#WorkingGroup> }}")[0]["n"]
    assert counts["groups"] == int(groups)
    assert_self_contained(browser, site)


def test_group_page_timeline_has_one_mark_per_meeting(browser, site: Server) -> None:
    group = site.url + "id/group/WG.4"
    visit(browser, group)
    assert browser.current_url == site.url + "doc/group/WG.4"
    svg = browser.find_element("css selector", "svg.timeline")
    marks = svg.find_elements("css selector", "g.meeting")
    untoc = site.url + "ontology#"
    meetings = select(site, f"SELECT DISTINCT ?m {{ {{ <{group}> <{untoc}holds> ?m }} UNION {{ ?m <{untoc}meetingOf> <{group}> }} "
                            f"?m <{untoc}startDate> ?d }}")
    assert len(marks) == len(meetings) >= 2
    assert all(m.size["width"] > 0 for m in svg.find_elements("css selector", "rect.mark"))
    starts = [m.get_attribute("data-start") for m in marks]
    xs = [float(m.find_element("css selector", "line.stem").get_attribute("x1")) for m in marks]
    assert [x for _, x in sorted(zip(starts, xs))] == sorted(xs)
    assert_self_contained(browser, site)


def test_report_page_link_to_its_meeting_works(browser, site: Server) -> None:
    visit(browser, site.url + REPORT)
    assert "CTOC/COP/WG.4/2023/5" in browser.find_element("tag name", "h1").text
    untoc = site.url + "ontology#"
    meeting = select(site, f"SELECT ?m {{ {{ <{site.url}{REPORT}> <{untoc}reportOf> ?m }} UNION {{ ?m <{untoc}produces> <{site.url}{REPORT}> }} }}")[0]["m"]
    labels = {r["l"] for r in select(site, f"SELECT ?l {{ <{meeting}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")}
    link = browser.find_element("css selector", f'#properties a[href="/doc/{meeting.removeprefix(site.url + "id/")}"]')
    undocs = browser.find_element("css selector", "a.undocs")
    assert undocs.get_attribute("href") == "https://undocs.org/CTOC/COP/WG.4/2023/5"
    assert_self_contained(browser, site)
    link.click()
    assert browser.find_element("tag name", "h1").text in labels
    assert browser.current_url.endswith(meeting.removeprefix(site.url + "id/"))
    quote = browser.find_element("css selector", "#provenance blockquote").text
    assert quote and quote in {r["t"] for r in select(site, f"SELECT ?t {{ <{meeting}> <{untoc}statedIn>/<{untoc}text> ?t }}")}


def test_a_report_page_shows_its_meetings_dates_without_scrolling(browser, site: Server) -> None:
    browser.set_window_size(1280, 800)
    visit(browser, site.url + REPORT + "?lang=en")
    height = browser.execute_script("return window.innerHeight")
    for row in browser.find_elements("css selector", "dl.summary dt"):
        if row.text in ("report of › start date", "report of › end date"):
            value = row.find_element("xpath", "following-sibling::dd[1]")
            assert value.text.startswith(("2023-10-02", "2023-10-03"))
            assert value.location["y"] + value.size["height"] <= height, row.text
            break
    else:
        pytest.fail("no meeting dates in the summary")


def test_a_group_page_draws_its_meetings_per_year(browser, site: Server) -> None:
    visit(browser, site.url + "id/group/WG.6")
    chart = browser.find_element("css selector", "svg.years")
    bars = chart.find_elements("css selector", "g.year rect.bar")
    assert len(bars) == 2 and all(bar.size["height"] > 0 and bar.size["width"] > 0 for bar in bars)
    assert_self_contained(browser, site)


@pytest.mark.parametrize("name,kind,marks", [("meetings-per-group-per-year", "bars", "g.bar"),
                                              ("meetings-by-date", "timeline", "g.event")])
def test_query_page_draws_a_chart_of_counts_or_dates(site: Server, browser, name: str, kind: str,
                                                     marks: str) -> None:
    """A count per label is drawn as bars, dates as a timeline: one mark per row, drawn without any CDN."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    query = (PROJECT_ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    rows = httpx.post(site.sparql, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                      timeout=30).json()["results"]["bindings"]
    requested_urls(browser)
    browser.get(site.sparql)
    wait = WebDriverWait(browser, 60)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sparql-highlight .tok-keyword"))
    browser.find_element(By.CSS_SELECTOR, f'.sparql-example[data-name="{name}"]').click()
    browser.find_element(By.ID, "sparql-run").click()
    chart = wait.until(lambda d: d.find_elements(By.ID, "sparql-chart"))[0]
    assert kind in chart.get_attribute("class").split()
    drawn = chart.find_elements(By.CSS_SELECTOR, marks)
    assert len(drawn) == len(rows) >= 2 and all(mark.size["width"] > 0 for mark in drawn)
    if kind == "bars":
        assert sorted(int(mark.get_attribute("data-value")) for mark in drawn) == sorted(int(r["meetings"]["value"]) for r in rows)
    own = urlsplit(site.url).netloc
    assert all(urlsplit(u).netloc == own for u in requested_urls(browser) if u.startswith(("http:", "https:")))
