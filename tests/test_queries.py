"""The researchers' queries in queries/: each one's exact answer over the built store, written by hand from the note."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import PROJECT_ROOT, untoc_kg_command
from untoc_kg.build import BuildInputs, build
from untoc_kg.project import Project
from untoc_kg.queryfiles import query_files, read_query_file
from untoc_kg.store.oxigraph import OxigraphStore
from test_data import source_views

BASE = "http://kg.test/"
Row = tuple[str | None, ...]

NOTE_EN = "Note by the Secretariat: Reports on the meetings of the subsidiary bodies of the Conference of the Parties (4 July 2024)"
CONVENTION_EN = "United Nations Convention against Transnational Organized Crime"
TIP_EN = "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children"
SOM_EN = "Protocol against the Smuggling of Migrants by Land, Sea and Air"
FIREARMS_EN = "Protocol against the Illicit Manufacturing of and Trafficking in Firearms, Their Parts and Components and Ammunition"
WG = {n: f"CTOC/COP/WG.{n}" for n in (2, 3, 4, 6, 7)}
NAME = {2: "Working Group of Government Experts on Technical Assistance", 3: "Working Group on International Cooperation",
        4: "Working Group on Trafficking in Persons", 6: "Working Group on Firearms", 7: "Working Group on the Smuggling of Migrants"}
ITEM_2 = ("Examen de la aplicación de la Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional y sus Protocolos",
          "Review of the implementation of the United Nations Convention against Transnational Organized Crime and the Protocols thereto")
ITEM_4 = ("Cooperación internacional, con especial referencia a la extradición, la asistencia judicial recíproca y la cooperación"
          " internacional para fines de decomiso, y establecimiento y fortalecimiento de las autoridades centrales",
          "International cooperation, with particular reference to extradition, mutual legal assistance and international"
          " cooperation for the purpose of confiscation, and the establishment and strengthening of central authorities")


def report(n: int, year: int, number: int) -> str:
    return f"CTOC/COP/WG.{n}/{year}/{number}"


# name → (ordered?, rows). Ordered answers are compared as lists in the query's ORDER BY.
EXPECTED: dict[str, tuple[bool, list[Row]]] = {
    "groups": (True, [
        (WG[2], NAME[2], "decision 2/6", "2", None, "technical assistance"),
        (WG[3], NAME[3], "decision 3/2", "3", None, "international cooperation"),
        (WG[4], NAME[4], "decision 4/4", "4", TIP_EN, "trafficking in persons"),
        (WG[6], NAME[6], "resolution 5/4", "5", FIREARMS_EN, "firearms"),
        (WG[7], NAME[7], "resolution 5/3", "5", SOM_EN, "smuggling of migrants"),
    ]),
    "meetings-by-date": (True, [
        ("2023-05-03", "2023-05-04", WG[6], "10", "Vienna", "held", report(6, 2023, 5)),
        ("2023-05-29", "2023-05-30", WG[2], "14", "Vienna", "held", report(2, 2023, 4)),
        ("2023-09-11", "2023-09-12", WG[3], "14", "Vienna", "held", report(3, 2023, 4)),
        ("2023-10-02", "2023-10-03", WG[4], "13", "Vienna", "held", report(4, 2023, 5)),
        ("2023-10-05", "2023-10-06", WG[7], "10", "Vienna", "held", report(7, 2023, 5)),
        ("2024-04-03", "2024-04-04", WG[6], "11", "Vienna", "held", report(6, 2024, 5)),
        ("2024-06-03", "2024-06-04", WG[2], "15", "Vienna", "held", report(2, 2024, 5)),
        ("2024-06-05", "2024-06-06", WG[3], "15", "Vienna", "held", report(3, 2024, 5)),
        ("2024-07-08", "2024-07-09", WG[4], "14", "Vienna", "scheduled", report(4, 2024, 5)),
        ("2024-07-11", "2024-07-12", WG[7], "11", "Vienna", "scheduled", report(7, 2024, 5)),
    ]),
    "reports-to-twelfth-session": (True, [
        (symbol, WG[n], meeting, "resolution 7/1", f"https://undocs.org/{symbol}")
        for symbol, n, meeting in [
            (report(2, 2023, 4), 2, "14"), (report(2, 2024, 5), 2, "15"), (report(3, 2023, 4), 3, "14"),
            (report(3, 2024, 5), 3, "15"), (report(4, 2023, 5), 4, "13"), (report(4, 2024, 5), 4, "14"),
            (report(6, 2023, 5), 6, "10"), (report(6, 2024, 5), 6, "11"), (report(7, 2023, 5), 7, "10"),
            (report(7, 2024, 5), 7, "11"),
        ]
    ]),
    "scheduled-meetings": (True, [
        (WG[4], "14", "2024-07-08", "2024-07-09", NOTE_EN, "2024-07-04"),
        (WG[7], "11", "2024-07-11", "2024-07-12", NOTE_EN, "2024-07-04"),
    ]),
    "back-to-back-meetings": (True, [(WG[2], "15", "2024-06-04", WG[3], "15", "2024-06-05")]),
    "adjacent-meetings": (True, [
        (WG[6], "10", "2023-05-04", WG[2], "14", "2023-05-29", "P25D"),
        (WG[2], "14", "2023-05-30", WG[3], "14", "2023-09-11", "P104D"),
        (WG[3], "14", "2023-09-12", WG[4], "13", "2023-10-02", "P20D"),
        (WG[4], "13", "2023-10-03", WG[7], "10", "2023-10-05", "P2D"),
        (WG[7], "10", "2023-10-06", WG[6], "11", "2024-04-03", "P180D"),
        (WG[6], "11", "2024-04-04", WG[2], "15", "2024-06-03", "P60D"),
        (WG[2], "15", "2024-06-04", WG[3], "15", "2024-06-05", "P1D"),
        (WG[3], "15", "2024-06-06", WG[4], "14", "2024-07-08", "P32D"),
        (WG[4], "14", "2024-07-09", WG[7], "11", "2024-07-11", "P2D"),
    ]),
    "resolution-7-1": (True, [
        ("encourages annual consecutive meetings of", WG[2], NAME[2]),
        ("encourages annual consecutive meetings of", WG[3], NAME[3]),
        ("makes standing element", WG[4], NAME[4]),
        ("makes standing element", WG[6], NAME[6]),
        ("makes standing element", WG[7], NAME[7]),
        ("requires reports from", WG[4], NAME[4]),
        ("requires reports from", WG[6], NAME[6]),
        ("requires reports from", WG[7], NAME[7]),
    ]),
    "report-chain": (True, [
        (report(4, 2023, 5), "13", "2023-10-02", "2023-10-03", "held", NAME[4], "decision 4/4", "4", TIP_EN),
    ]),
    "meetings-per-group-per-year": (True, [(WG[n], year, "1") for n in (2, 3, 4, 6, 7) for year in ("2023", "2024")]),
    "group-characteristics": (True, [
        (WG[2], "interim", "provisional"), (WG[2], "of government experts", "de expertos gubernamentales"),
        (WG[2], "open-ended", "de composición abierta"),
        (WG[3], "open-ended", "de composición abierta"), (WG[3], "standing", "elemento constante"),
        (WG[4], "interim", "provisional"), (WG[4], "open-ended", "de composición abierta"),
        (WG[6], "intergovernmental", "intergubernamental"), (WG[6], "open-ended", "de composición abierta"),
        (WG[7], "intergovernmental", "intergubernamental"), (WG[7], "interim", "provisional"),
        (WG[7], "open-ended", "de composición abierta"),
    ]),
    "standing-elements": (True, [
        (WG[3], "3/2", "established as a standing element"),
        (WG[4], "7/1", "made a standing element later"),
        (WG[6], "7/1", "made a standing element later"),
        (WG[7], "7/1", "made a standing element later"),
    ]),
    "agenda-items": (True, [
        (NOTE_EN, "CTOC/COP/2024/1", "2", *ITEM_2),
        (NOTE_EN, "CTOC/COP/2024/1", "4", *ITEM_4),
        (NOTE_EN, "CTOC/COP/2024/1", "5", "Asistencia técnica", "Technical assistance"),
    ]),
    "protocols": (True, [
        (FIREARMS_EN, "Protocolo contra la Fabricación y el Tráfico Ilícitos de Armas de Fuego, sus Piezas y Componentes"
                      " y Municiones", CONVENTION_EN, WG[6]),
        (SOM_EN, "Protocolo contra el Tráfico Ilícito de Migrantes por Tierra, Mar y Aire", CONVENTION_EN, WG[7]),
        (TIP_EN, "Protocolo para Prevenir, Reprimir y Sancionar la Trata de Personas, Especialmente Mujeres y Niños",
         CONVENTION_EN, WG[4]),
    ]),
}
# Paragraph texts are long: the rows name the paragraph, and the text is checked against the note itself.
ESTABLISHMENT = [(WG[4], "4/4", "1"), (WG[7], "5/3", "4"), (WG[6], "5/4", "7"), (WG[3], "3/2", "10"), (WG[2], "2/6", "13")]
CHECKED_ELSEWHERE = {"establishment-provenance", "where-stated"}
PASSAGE = "id/document/secretariat-note-2024-07-04/passage/"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's graph built as `untoc-kg build` does, shapes validation included, under a non-canonical base."""
    path = tmp_path_factory.mktemp("queries") / "store"
    build(BuildInputs(base_iri=BASE, project=Project(PROJECT_ROOT)), path)
    return path


@pytest.fixture(scope="module")
def store(store_dir: Path) -> Iterator[OxigraphStore]:
    with OxigraphStore.open(store_dir) as opened:
        yield opened


def rows(store: OxigraphStore, name: str) -> list[Row]:
    text = (PROJECT_ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    results = store.query(text)
    assert isinstance(results, ox.QuerySolutions)
    variables = [v.value for v in results.variables]
    return [tuple(None if s[v] is None else s[v].value.removeprefix(BASE) for v in variables) for s in results]


def query_names() -> list[str]:
    return [q.name for q in query_files(Project(PROJECT_ROOT))]


def test_there_are_at_least_ten_queries() -> None:
    assert len(query_names()) >= 10


@pytest.mark.parametrize("name", query_names())
def test_every_query_file_has_a_header_and_a_test(name: str) -> None:
    path = PROJECT_ROOT / "queries" / f"{name}.rq"
    first, second = path.read_text(encoding="utf-8").splitlines()[:2]
    assert first.startswith("# title: ") and second.startswith("# description: ")
    query = read_query_file(path)
    assert query.title and len(query.description) > 40
    assert "PREFIX untoc: <ontology#>" in query.text
    assert "w3id.org" not in query.text, "queries use IRIs relative to the endpoint's base"
    assert name in EXPECTED or name in CHECKED_ELSEWHERE, f"queries/{name}.rq has no expected answer in this file"


@pytest.mark.parametrize("name", EXPECTED)
def test_query_answer(store: OxigraphStore, name: str) -> None:
    ordered, expected = EXPECTED[name]
    actual = rows(store, name)
    if ordered:
        assert actual == expected
    else:
        assert sorted(actual, key=repr) == sorted(expected, key=repr)


def test_establishment_provenance_cites_the_establishing_paragraphs(store: OxigraphStore) -> None:
    actual = rows(store, "establishment-provenance")
    assert [row[:3] for row in actual] == ESTABLISHMENT
    _, continuous = source_views()
    for _, _, paragraph, text in actual:
        assert f"{paragraph}. {text}" in continuous
        assert "estableció" in text


def test_where_stated_lists_the_heading_then_the_paragraph(store: OxigraphStore) -> None:
    actual = rows(store, "where-stated")
    heading = ("Informes sobre las reuniones del Grupo de Trabajo sobre la Trata de Personas celebradas en Viena"
               " los días 2 y 3 de octubre de 2023 y 8 y 9 de julio de 2024")
    assert [row[:2] for row in actual] == [(PASSAGE + "heading-1", None), (PASSAGE + "3", "3")]
    assert actual[0][2] == heading and {row[3] for row in actual} == {NOTE_EN}
    _, continuous = source_views()
    assert f"3. {actual[1][2]}" in continuous and "celebrará su 14ª reunión" in actual[1][2]


def test_iris_in_answers_belong_to_the_served_base(store: OxigraphStore) -> None:
    results = store.query(
        "PREFIX untoc: <ontology#> SELECT ?r ?m { ?r untoc:reportOf ?m ; untoc:symbol 'CTOC/COP/WG.3/2023/4' }")
    (solution,) = list(results)
    assert solution["r"].value == BASE + "id/document/CTOC/COP/WG.3/2023/4"
    assert solution["m"].value == BASE + "id/meeting/WG.3/2023-09-11"


def run_cli(*args: str, state: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UNTOC_KG_STATE": str(state)}
    return subprocess.run([*untoc_kg_command(), "--project", str(PROJECT_ROOT), "query", *args],
                          capture_output=True, text=True, timeout=600, env=env, cwd=PROJECT_ROOT)


def table(output: str) -> tuple[list[str], list[list[str]], str]:
    """The CLI's table: header cells, data rows (cells split on runs of spaces), and the row count line."""
    lines = output.splitlines()
    assert set(lines[1].replace(" ", "")) == {"-"}
    return lines[0].split(), [line.split() for line in lines[2:-1]], lines[-1]


def test_cli_builds_the_store_and_prints_a_table(tmp_path: Path) -> None:
    result = run_cli("back-to-back-meetings", state=tmp_path)
    assert result.returncode == 0, result.stderr
    header, body, count = table(result.stdout)
    assert header == ["firstSeries", "firstOrdinal", "firstEnd", "secondSeries", "secondOrdinal", "secondStart"]
    assert body == [list(row) for row in EXPECTED["back-to-back-meetings"][1]]
    assert count == "(1 row)"


def test_cli_query_on_a_built_store(store_dir: Path, tmp_path: Path) -> None:
    result = run_cli("meetings-per-group-per-year", "--store", str(store_dir), state=tmp_path)
    assert result.returncode == 0, result.stderr
    header, body, count = table(result.stdout)
    assert header == ["series", "year", "meetings"]
    assert body == [list(row) for row in EXPECTED["meetings-per-group-per-year"][1]]
    assert count == "(10 rows)"
