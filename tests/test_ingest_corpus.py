"""A small corpus of invented CTOC/COP documents, ingested as a user would: one command, one folder.

The fixtures (tests/fixtures/corpus/) copy the layouts text extraction gives real documents (a
masthead flattened to one line, interleaved, broken after "CTOC"; job numbers, running headers,
glued footnote digits, hyphenation, inline paragraph numbers) with invented wording. EXPECTED says
what each prints; the scorecard measures how much of it reaches the written graphs. What the code
does not find yet is listed in KNOWN_GAPS, checked exactly, so a fix shows up as a failure to update.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef

from conftest import PROJECT_ROOT
from untoc_kg.cli import main
from untoc_kg.ingest.provenance import UNTOC, is_annotation_node
from unpdf import write_un_pdf

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
CONTRADICTION = "wg6-note-2016-contradiction.en.txt"
ID = "https://w3id.org/untoc-kg/id/"
CURATED = "secretariat-note-2024-07-04.trig"
Triple = tuple[URIRef, URIRef, URIRef | Literal]
# Meetings, report links, dates, places and ordinals: what "no invented fact" compares.
CHECKED = (UNTOC.meetingOf, UNTOC.startDate, UNTOC.endDate, UNTOC.place, UNTOC.ordinal, UNTOC.reportOf, UNTOC.preparedFor,
           UNTOC.issuedOn)


@dataclass(frozen=True)
class Meeting:
    """A working group's meeting as a document prints it; its key is series and first day."""

    series: str
    start: date
    end: date
    ordinal: int | None = None
    place: str = "vienna"

    @property
    def iri(self) -> URIRef:
        return URIRef(f"{ID}meeting/{self.series}/{self.start.isoformat()}")

    def facts(self) -> dict[str, Triple]:
        key = f"{self.series}/{self.start.isoformat()}"
        found = {f"{key} meetingOf": (self.iri, UNTOC.meetingOf, URIRef(f"{ID}group/{self.series}")),
                 f"{key} startDate": (self.iri, UNTOC.startDate, Literal(self.start, datatype=XSD.date)),
                 f"{key} endDate": (self.iri, UNTOC.endDate, Literal(self.end, datatype=XSD.date)),
                 f"{key} place": (self.iri, UNTOC.place, URIRef(f"{ID}place/{self.place}"))}
        if self.ordinal is not None:
            found[f"{key} ordinal"] = (self.iri, UNTOC.ordinal, Literal(self.ordinal, datatype=XSD.integer))
        return found


@dataclass(frozen=True)
class Session:
    """A session of the Conference, named by its ordinal."""

    ordinal: int
    start: date
    end: date
    place: str = "vienna"

    @property
    def iri(self) -> URIRef:
        return URIRef(f"{ID}session/{self.ordinal}")

    def facts(self) -> dict[str, Triple]:
        key = f"session/{self.ordinal}"
        return {f"{key} ordinal": (self.iri, UNTOC.ordinal, Literal(self.ordinal, datatype=XSD.integer)),
                f"{key} startDate": (self.iri, UNTOC.startDate, Literal(self.start, datatype=XSD.date)),
                f"{key} endDate": (self.iri, UNTOC.endDate, Literal(self.end, datatype=XSD.date)),
                f"{key} place": (self.iri, UNTOC.place, URIRef(f"{ID}place/{self.place}"))}


@dataclass(frozen=True)
class Expected:
    """What one fixture prints: masthead fields, the meeting or session it is for (or reports on),
    and the meetings its paragraphs name. ``version``: the language the masthead or job number gives."""

    symbol: str
    distribution: str
    issued: date
    original: str | None
    version: str | None
    kind: URIRef
    target: Meeting | Session
    mentions: tuple[Meeting, ...] = ()

    @property
    def document(self) -> URIRef:
        return URIRef(f"{ID}document/{self.symbol}")

    def facts(self) -> dict[str, Triple]:
        """Every expected fact by a short label (the scorecard's unit and KNOWN_GAPS' key)."""
        doc, found = self.document, {}
        found["symbol"] = (doc, UNTOC.symbol, Literal(self.symbol))
        found["distribution"] = (doc, UNTOC.distribution, Literal(self.distribution))
        found["issuedOn"] = (doc, UNTOC.issuedOn, Literal(self.issued, datatype=XSD.date))
        for label, value in (("originallyIn", self.original), ("writtenIn", self.version)):
            if value is not None:
                found[label] = (doc, UNTOC[label], Literal(value, datatype=XSD.language))
        found["type"] = (doc, RDF.type, self.kind)
        link = UNTOC.reportOf if self.kind == UNTOC.Report else UNTOC.preparedFor
        found[link.removeprefix(str(UNTOC))] = (doc, link, self.target.iri)
        for meeting in (self.target, *self.mentions):
            found.update(meeting.facts())
        return found


WG3_2009 = Meeting("WG.3", date(2009, 4, 14), date(2009, 4, 15))
WG3_2010 = Meeting("WG.3", date(2010, 1, 27), date(2010, 1, 29))
WG6_FOURTH = Meeting("WG.6", date(2016, 5, 18), date(2016, 5, 19), ordinal=4)
WG7_2017 = Meeting("WG.7", date(2017, 9, 6), date(2017, 9, 8))
WG7_2015 = Meeting("WG.7", date(2015, 11, 11), date(2015, 11, 13))
EXPECTED: dict[str, Expected] = {
    "wg3-report-2010-oneline.en.txt": Expected(
        "CTOC/COP/WG.3/2010/3", "general", date(2010, 2, 15), "en", "en", UNTOC.Report, WG3_2010, (WG3_2009,)),
    "wg3-note-2011-interleaved.en.txt": Expected(
        "CTOC/COP/WG.3/2011/2", "general", date(2011, 1, 20), "en", "en", UNTOC.Note,
        Meeting("WG.3", date(2011, 3, 3), date(2011, 3, 4)),
        (WG3_2009, WG3_2010, Meeting("WG.3", date(2010, 10, 19), date(2010, 10, 19)))),
    "wg6-report-2016-broken.en.txt": Expected(
        "CTOC/COP/WG.6/2016/4", "general", date(2016, 6, 6), "en", "en", UNTOC.Report, WG6_FOURTH),
    "wg6-background-2016.en.txt": Expected(  # the fourth meeting again, by its dates alone
        "CTOC/COP/WG.6/2016/2", "general", date(2016, 3, 4), "en", "en", UNTOC.BackgroundPaper,
        Meeting("WG.6", date(2016, 5, 18), date(2016, 5, 19)), (Meeting("WG.6", date(2014, 5, 26), date(2014, 5, 27)),)),
    "cop-2020-L3-draft-resolution.en.txt": Expected(
        "CTOC/COP/2020/L.3", "limited", date(2020, 10, 14), "en", "en", UNTOC.DraftResolution,
        Session(10, date(2020, 10, 12), date(2020, 10, 16))),
    "wg2-crp-2019.en.txt": Expected(
        "CTOC/COP/WG.2/2019/CRP.2", "general", date(2019, 9, 9), None, "en", UNTOC.ConferenceRoomPaper,
        Meeting("WG.2", date(2019, 9, 9), date(2019, 9, 10))),
    "cop-2018-1-agenda.en.txt": Expected(
        "CTOC/COP/2018/1", "general", date(2018, 7, 20), "en", None, UNTOC.ProvisionalAgenda,
        Session(9, date(2018, 10, 15), date(2018, 10, 19))),
    "wg8-note-2021.en.txt": Expected(
        "CTOC/COP/WG.8/2021/2", "general", date(2021, 7, 2), "en", "en", UNTOC.Note,
        Meeting("WG.8", date(2021, 9, 6), date(2021, 9, 7))),
    "wg7-note-2017.en.txt": Expected(
        "CTOC/COP/WG.7/2017/2", "general", date(2017, 6, 30), "en", "en", UNTOC.Note, WG7_2017, (WG7_2015,)),
    "wg7-note-2017.es.txt": Expected(
        "CTOC/COP/WG.7/2017/2", "general", date(2017, 6, 30), "en", "es", UNTOC.Note, WG7_2017, (WG7_2015,)),
    "wg4-report-2012.es.txt": Expected(
        "CTOC/COP/WG.4/2012/5", "general", date(2012, 11, 2), "en", "es", UNTOC.Report,
        Meeting("WG.4", date(2012, 10, 10), date(2012, 10, 12)),
        (Meeting("WG.4", date(2009, 4, 14), date(2009, 4, 16)), Meeting("WG.4", date(2011, 6, 27), date(2011, 6, 28)))),
}
WHOLE = "whole document"
KNOWN_GAPS: dict[tuple[str, str], str] = {}  # each entry: "not found yet: <why>"


@dataclass(frozen=True)
class Run:
    """One ``untoc-kg --project COPY ingest`` and what it left."""

    status: int
    out: str
    err: str
    project: Path

    def written(self) -> dict[str, Path]:
        """Source file name → the data file written for it, from the report written beside each."""
        found = {}
        for report in (self.project / "data").glob("*.report.txt"):
            source = re.match(r"ingest of (.+) \(\w+\)$", report.read_text(encoding="utf-8").splitlines()[0])
            found[Path(source.group(1)).name] = report.with_name(report.name.removesuffix(".report.txt"))
        return found


def copy_project(root: Path) -> Path:
    """The checkout's ontology, shapes and data: ingesting must agree with the curated note."""
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    return root


def ingest(project: Path, *sources: Path) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["--project", str(project), "ingest", *map(str, sources)])
    return Run(status, out.getvalue(), err.getvalue(), project)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The whole corpus in one command; the contradiction sorts last (refused/ after documents/)."""
    return ingest(copy_project(tmp_path_factory.mktemp("corpus") / "project"), CORPUS)


def facts_of(path: Path) -> Graph:
    """A TriG file's triples, annotation nodes aside, in one graph."""
    dataset = Dataset()
    dataset.parse(path, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        if not is_annotation_node(s):
            graph.add((s, p, o))
    return graph


def missing(expected: Expected, graph: Graph | None) -> list[str]:
    """Labels of the expected facts the graph lacks; a document not written lacks all of them."""
    if graph is None:
        return [WHOLE]
    return [label for label, triple in expected.facts().items() if triple not in graph]


def refused_expected() -> set[str]:
    return {CONTRADICTION} | {name for name, label in KNOWN_GAPS if label == WHOLE}


def both_sides_quoted(err: str) -> bool:
    """The contradiction names both meetings numbered 4, each with its graph and the words of its dates."""
    return ("group/WG.6 holds two meetings numbered 4: "
            f"{ID}meeting/WG.6/2016-05-18 in https://w3id.org/untoc-kg/graph/CTOC/COP/WG.6/2016/4 (\"18 and 19 May 2016\"); "
            f"{ID}meeting/WG.6/2016-05-25 in https://w3id.org/untoc-kg/graph/CTOC/COP/WG.6/2016/3 (\"25 and 26 May 2016\")"
            ) in err


def test_one_command_writes_every_document_and_refuses_the_contradiction(run: Run) -> None:
    assert run.status == 1
    assert set(run.written()) == set(EXPECTED) - refused_expected()
    assert f"summary: 12 document(s) read, {12 - len(refused_expected())} ingested, {len(refused_expected())} refused" \
        in run.out
    refusal = re.search(rf"{CONTRADICTION} .*", run.out).group()
    assert "refused: 1 conflict(s) with the existing graph" in refusal
    assert both_sides_quoted(run.err)
    assert not any(path.name.startswith("CTOC-COP-WG.6-2016-3") for path in (run.project / "data").iterdir())


def test_a_contradiction_with_data_quotes_both_sides(tmp_path: Path) -> None:
    """Once the report is in data/, a later command refuses the other dates with both quotes."""
    project = copy_project(tmp_path / "project")
    assert ingest(project, CORPUS / "documents" / "wg6-report-2016-broken.en.txt").status == 0
    before = sorted(path.name for path in (project / "data").iterdir())
    refused = ingest(project, CORPUS / "refused" / CONTRADICTION)
    assert refused.status == 1
    assert both_sides_quoted(refused.err)
    assert sorted(path.name for path in (project / "data").iterdir()) == before


def scorecard(run: Run) -> dict[str, tuple[int, list[str]]]:
    """Per fixture: how many facts are expected, and the labels of those the written graph lacks."""
    written = run.written()
    return {name: (len(expected.facts()), missing(expected, facts_of(written[name]) if name in written else None))
            for name, expected in EXPECTED.items()}


def test_scorecard_of_expected_facts(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    card = scorecard(run)
    found_total = expected_total = 0
    with capsys.disabled():
        print("\ncorpus scorecard (expected facts found in the written graphs)")
        for name, (count, lacking) in card.items():
            found = 0 if lacking == [WHOLE] else count - len(lacking)
            found_total, expected_total = found_total + found, expected_total + count
            print(f"  {name:<40} {found:>3}/{count:<3} {100 * found / count:5.1f} %")
        print(f"  {'total':<40} {found_total:>3}/{expected_total:<3} {100 * found_total / expected_total:5.1f} %")
    gaps = {(name, label) for name, (_, lacking) in card.items() for label in lacking}
    assert gaps == set(KNOWN_GAPS)


def expected_checked() -> set[Triple]:
    """The CHECKED facts the written fixtures should state: nothing else may appear."""
    return {triple for name, expected in EXPECTED.items() if name not in refused_expected()
            for label, triple in expected.facts().items() if triple[1] in CHECKED and (name, label) not in KNOWN_GAPS}


def test_no_invented_meeting_date_place_ordinal_or_report_link(run: Run) -> None:
    stated = {triple for path in run.written().values() for triple in facts_of(path) if triple[1] in CHECKED}
    assert stated == expected_checked()


def test_a_meeting_named_by_ordinal_and_by_dates_is_one_node(run: Run) -> None:
    written = run.written()
    report = facts_of(written["wg6-report-2016-broken.en.txt"])
    paper = facts_of(written["wg6-background-2016.en.txt"])
    merged = report + paper
    meeting = WG6_FOURTH.iri
    assert (EXPECTED["wg6-report-2016-broken.en.txt"].document, UNTOC.reportOf, meeting) in merged
    assert (EXPECTED["wg6-background-2016.en.txt"].document, UNTOC.preparedFor, meeting) in merged
    assert (meeting, UNTOC.ordinal, None) in report and (meeting, UNTOC.ordinal, None) not in paper
    assert len({s for s in merged.subjects(UNTOC.meetingOf, URIRef(ID + "group/WG.6"))
                if str(s).startswith(ID + "meeting/WG.6/2016")}) == 1


def test_two_language_versions_are_one_document_in_two_graphs(run: Run) -> None:
    written = run.written()
    graphs = [written.get("wg7-note-2017.en.txt"), written.get("wg7-note-2017.es.txt")]
    assert None not in graphs and graphs[0] != graphs[1]
    merged = facts_of(graphs[0]) + facts_of(graphs[1])
    document = EXPECTED["wg7-note-2017.en.txt"].document
    assert {s for s in merged.subjects(UNTOC.symbol, Literal("CTOC/COP/WG.7/2017/2"))} == {document}
    passage = URIRef(f"{document}/passage/1")
    assert {text.language for text in merged.objects(passage, UNTOC.text)} == {"en", "es"}
    assert "wg7-note-2017.es.txt" in run.out and "conflicts with the existing graph: none" in written_report(graphs[1])


def written_report(path: Path) -> str:
    return path.with_name(path.name + ".report.txt").read_text(encoding="utf-8")


def test_the_project_builds_and_validates(run: Run) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--project", str(run.project), "build"]) == 0
        assert main(["--project", str(run.project), "validate"]) == 0


LEFT_EN = ["United Nations", "Conference of the Parties to the", "United Nations Convention against",
           "Transnational Organized Crime"]
LEFT_ES = ["Naciones Unidas", "Conferencia de las Partes en la", "Convención de las Naciones Unidas",
           "contra la Delincuencia", "Organizada Transnacional"]


def write_pdfs(folder: Path) -> Iterator[tuple[str, Path]]:
    """Two fixtures again as PDFs in the UN layout: (fixture whose facts they print, PDF)."""
    yield "wg6-background-2016.en.txt", write_un_pdf(
        folder / "wg6-background-2016.en.pdf", LEFT_EN,
        ["CTOC/COP/WG.6/2016/2", "Distr.: General", "4 March 2016", "Original: English"],
        ["Working Group on Firearms\nVienna, 18 and 19 May 2016", "Item 3 of the provisional agenda*",
         "Marking of small arms at the time of import\nBackground paper prepared by the Secretariat",
         "1. The Working Group on Firearms met in Vienna on 26 and 27 May 2014."],
        "V.16-01234 (E)", footnotes=["* CTOC/COP/WG.6/2016/1."],
        later_pages=[["2. The present paper was prepared to support the discussion on record-keeping."]],
        processing_dates="040316 070316")
    yield "wg7-note-2017.es.txt", write_un_pdf(
        folder / "wg7-note-2017.es.pdf", LEFT_ES,
        ["CTOC/COP/WG.7/2017/2", "Distr. general", "30 de junio de 2017", "Español", "Original: inglés"],
        ["Grupo de Trabajo sobre el Tráfico Ilícito de Migrantes\nViena, 6 a 8 de septiembre de 2017",
         "Retorno seguro de los migrantes objeto de tráfico ilícito\nNota de la Secretaría",
         "1. El Grupo de Trabajo sobre el Tráfico Ilícito de Migrantes se reunió en Viena del 11 al 13 de "
         "noviembre de 2015."],
        "V.17-04321 (S)", later_pages=[["2. La presente nota reúne las respuestas de los Estados al cuestionario."]],
        processing_dates="100717 120717")


def test_pdfs_of_the_corpus_give_the_same_facts(tmp_path: Path) -> None:
    """Each PDF alone in a fresh project: the Spanish note is then the only version, so it is written."""
    for fixture, pdf in write_pdfs(tmp_path):
        project = copy_project(tmp_path / pdf.stem)
        result = ingest(project, pdf)
        assert result.status == 0, result.err
        lacking = missing(EXPECTED[fixture], facts_of(result.written()[pdf.name]))
        assert lacking == [label for name, label in KNOWN_GAPS if name == fixture and label != WHOLE]


def test_the_agenda_footnote_inside_an_interleaved_masthead_names_the_meetings_agenda(run: Run) -> None:
    """"Item 2 of the provisional agenda*" and "* CTOC/COP/WG.3/2011/1." both inside the masthead region."""
    facts = facts_of(run.written()["wg3-note-2011-interleaved.en.txt"])
    agenda = URIRef(ID + "document/CTOC/COP/WG.3/2011/1")
    assert (agenda, UNTOC.agendaOf, URIRef(ID + "meeting/WG.3/2011-03-03")) in facts
    assert (URIRef(ID + "document/CTOC/COP/WG.3/2011/2"), UNTOC.underAgendaItem, URIRef(f"{agenda}/item/2")) in facts
