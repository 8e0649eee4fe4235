"""The query page at /sparql in a real headless Chromium (Selenium with Debian's chromedriver).

Chromium may resolve no host but 127.0.0.1, and its performance log lists every request the page
made: the page must work with nothing but this server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from conftest import Server, free_port, requested_urls, start_server
from untoc_kg.project import Project
from untoc_kg.queryfiles import query_files

pytestmark = pytest.mark.browser


EXAMPLES = {
    "people": "# title: People and their names\n# description: Everyone with a name.\n"
              "PREFIX id: <id/>\nSELECT ?person ?name WHERE { ?person <http://xmlns.com/foaf/0.1/name> ?name }\n",
    "count": "# title: How many facts\nSELECT (COUNT(*) AS ?facts) WHERE { ?s ?p ?o }\n",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A small project of its own: two example queries (the shared data is another room's work)."""
    root = tmp_path_factory.mktemp("sparql-page-project")
    (root / "queries").mkdir()
    for name, text in EXAMPLES.items():
        (root / "queries" / f"{name}.rq").write_text(text)
    return root


@pytest.fixture(scope="module")
def site(state_dir: Path, project: Path) -> Iterator[Server]:
    """``untoc-kg --project P serve`` with data whose IRIs lie under the server's base, so they dereference."""
    port = free_port()
    data = project / "people.ttl"
    data.write_text("".join(
        f'<http://127.0.0.1:{port}/id/person/{n}> <http://xmlns.com/foaf/0.1/name> "Person <{n}>" .\n' for n in range(3)))
    server = start_server(state_dir, "--no-project-data", "--data", str(data), "--client-rate", "0",
                          project=project, port=port)
    yield server
    server.stop()


def example_with_iris(server: Server, project: Path):
    """The first queries/ example whose answer holds IRIs (what the table must link)."""
    for example in query_files(Project(project)):
        response = httpx.post(server.sparql, data={"query": example.text}, timeout=60)
        if response.headers["content-type"].startswith("application/sparql-results+json"):
            rows = response.json()["results"]["bindings"]
            iris = {t["value"] for row in rows for t in row.values() if t["type"] == "uri"}
            if iris:
                return example, rows, iris
    pytest.fail("no example in queries/ answers with IRIs")


def test_query_page_runs_an_example_and_links_its_iris(site: Server, project: Path, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    example, rows, iris = example_with_iris(site, project)
    requested_urls(browser)
    browser.get(site.sparql)
    wait = WebDriverWait(browser, 60)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sparql-highlight .tok-keyword"))

    browser.find_element(By.CSS_SELECTOR, f'.sparql-example[data-name="{example.name}"]').click()
    assert browser.find_element(By.ID, "sparql-query").get_property("value") == example.text
    highlighted = browser.find_element(By.ID, "sparql-highlight")
    assert highlighted.text.strip() == example.text.strip()
    assert {"SELECT", "WHERE"} <= {e.text.upper() for e in highlighted.find_elements(By.CLASS_NAME, "tok-keyword")}

    browser.find_element(By.ID, "sparql-run").click()
    table = wait.until(lambda d: d.find_elements(By.ID, "sparql-table"))[0]
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == len(rows)
    links = {a.get_attribute("href") for a in table.find_elements(By.CSS_SELECTOR, "tbody a")}
    assert links == iris
    own = urlsplit(site.url).netloc
    assert all(iri.startswith(site.url) for iri in iris)
    for iri in sorted(iris):
        assert httpx.get(iri, headers={"accept": "text/html"}, follow_redirects=True).status_code == 200, iri

    downloads = browser.find_elements(By.CSS_SELECTOR, '#sparql-downloads ul[data-kind="solutions"] a')
    assert all(a.is_displayed() for a in downloads)
    assert not any(a.is_displayed() for a in browser.find_elements(By.CSS_SELECTOR, '#sparql-downloads ul[data-kind="graph"] a'))
    assert {parse_qs(urlsplit(a.get_attribute("href")).query)["format"][0] for a in downloads} == {"json", "xml", "csv", "tsv"}
    csv_link = next(a.get_attribute("href") for a in downloads if "format=csv" in a.get_attribute("href"))
    answer = httpx.get(csv_link)
    assert answer.headers["content-type"].startswith("text/csv")
    assert len(answer.text.strip().splitlines()) == 1 + len(rows)

    urls = [u for u in requested_urls(browser) if u.startswith(("http:", "https:", "ws:", "wss:"))]
    assert any(u.endswith("/static/sparql.js") for u in urls)
    assert all(urlsplit(u).netloc == own for u in urls), urls


def test_query_page_shows_errors_and_graphs(site: Server, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(site.sparql)
    wait = WebDriverWait(browser, 60)
    editor = wait.until(lambda d: d.find_elements(By.ID, "sparql-query"))[0]
    shown = {}
    for query, selector in (("SELECT * WHERE {", ".sparql-error"), ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", "#sparql-graph")):
        editor.clear()
        editor.send_keys(query)
        browser.find_element(By.ID, "sparql-run").click()
        shown[selector] = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, selector))[0].text
    assert "syntax error" in shown[".sparql-error"] and "1:" in shown[".sparql-error"]
    assert "foaf/0.1/name" in shown["#sparql-graph"]
    graph_downloads = browser.find_elements(By.CSS_SELECTOR, '#sparql-downloads ul[data-kind="graph"] a')
    assert len(graph_downloads) == 6 and all(a.is_displayed() for a in graph_downloads)
    solution_downloads = browser.find_elements(By.CSS_SELECTOR, '#sparql-downloads ul[data-kind="solutions"] a')
    assert not any(a.is_displayed() for a in solution_downloads), "only the formats that fit the answer are offered"


def test_the_project_page_offers_every_query_file_and_each_runs(server: Server) -> None:
    """The real project: every queries/ file is one click away on the page and answers through /sparql."""
    from html.parser import HTMLParser

    class Buttons(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.examples: dict[str, str] = {}

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            if values.get("class") == "sparql-example":
                self.examples[values["data-name"] or ""] = values["data-query"] or ""

    page = httpx.get(server.sparql, headers={"accept": "text/html"}, timeout=60)
    parser = Buttons()
    parser.feed(page.text)
    files = {q.name: q.text for q in query_files(Project())}
    assert files and parser.examples == files
    for name, text in files.items():
        response = httpx.post(server.sparql, data={"query": text}, timeout=60)
        assert response.status_code == 200, f"{name}: {response.text}"

