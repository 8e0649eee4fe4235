"""Reading UN-layout PDFs (service/ingest/pdf.py) generated with tests/unpdf.py, then cleaning them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF

from untoc_kg.ingest.cleanup import JobNumber, clean_extracted
from untoc_kg.ingest.pdf import read_pdf
from untoc_kg.ingest.segment import segment
from unpdf import write_un_pdf

LEFT = ["United Nations", "Conference of the Parties to the", "United Nations Convention against",
        "Transnational Organized Crime"]
RIGHT = ["CTOC/COP/WG.9/2031/4", "Distr.: General", "9 March 2031", "Original: English"]
PARAGRAPH_1 = ("1. In its resolution 12/3, the Conference of the Parties to the United Nations Convention "
               "against Transnational Organized Crime1 decided to keep a panel of experts on lanterns that "
               "meets once a year in a town of its choosing.")
PARAGRAPH_2 = "2. The panel met twice, in 2030 and 2031, and considered the counting of brass fittings."
PARAGRAPH_3 = ("3. The panel also heard a briefing by the Secretariat on the counting of brass fittings and of "
               "other small items used in lanterns in article 32 of the Convention.")


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("pdf") / "lanterns.en.pdf"
    write_un_pdf(path, LEFT, RIGHT,
                 ["Working Group on Lanterns\nGraz, 5 and 6 June 2031", "Item 2 of the provisional agenda",
                  "Report on the gathering of the imaginary panel", PARAGRAPH_1, PARAGRAPH_2],
                 "V.31-00417 (E)", footnotes=["1 Invented Treaty Series, vol. 9999, No. 12345."],
                 later_pages=[[PARAGRAPH_3]])
    return read_pdf(path)


def test_masthead_columns_are_read_left_then_right(english: str) -> None:
    lines = [line for line in english.splitlines() if line]
    assert lines[:8] == LEFT + RIGHT


def test_body_follows_the_masthead_top_to_bottom(english: str) -> None:
    lines = [line for line in english.splitlines() if line]
    assert lines[8:12] == ["Working Group on Lanterns", "Graz, 5 and 6 June 2031", "Item 2 of the provisional agenda",
                           "Report on the gathering of the imaginary panel"]


def test_blocks_are_separated_by_blank_lines(english: str) -> None:
    assert "Transnational Organized Crime\n\nCTOC/COP/WG.9/2031/4" in english
    assert "Original: English\n\nWorking Group on Lanterns\nGraz, 5 and 6 June 2031\n\nItem 2" in english


def test_cleaned_paragraphs_segment_as_written(english: str) -> None:
    blocks = segment(clean_extracted(english).text)
    numbered = {block.number: block.text for block in blocks if block.kind == "numbered"}
    expected = {int(text.split(".")[0]): text.split(". ", 1)[1] for text in (PARAGRAPH_1, PARAGRAPH_2, PARAGRAPH_3)}
    expected[1] = expected[1].replace("Crime1", "Crime")
    assert numbered == expected


def test_job_number_barcode_and_running_lines_are_found_and_removed(english: str) -> None:
    result = clean_extracted(english)
    assert result.job_number == JobNumber("V", 2031, "00417", "en")
    for gone in ("V.31-00417", "020318", "*3100417*", "2/2"):
        assert gone not in result.text
    assert result.text.count("CTOC/COP/WG.9/2031/4") == 1  # the masthead's; the page 2 header went
    assert "Invented Treaty Series" in result.text


def test_spanish_version_keeps_accents_and_its_job_number(tmp_path: Path) -> None:
    left = ["Naciones Unidas", "Conferencia de las Partes en la", "Convención de las Naciones Unidas",
            "contra la Delincuencia", "Organizada Transnacional"]
    right = ["CTOC/COP/WG.4/2032/2", "Distr. general", "10 de abril de 2032", "Español", "Original: inglés"]
    paragraph = ("1. El Grupo de Trabajo sobre los Faroles celebró su 13ª reunión en Graz los días 5 y 6 de "
                 "junio de 2032 y examinó la decisión 4/4 relativa a la iluminación pública.")
    path = write_un_pdf(tmp_path / "faroles.es.pdf", left, right,
                        ["Grupo de Trabajo sobre los Faroles\nGraz, 5 y 6 de junio de 2032", paragraph],
                        "V.32-04521 (S)", later_pages=[["2. La Secretaría presentó un informe sobre el latón."]])
    result = clean_extracted(read_pdf(path))
    lines = [line for line in result.text.splitlines() if line]
    assert lines[:10] == left + right
    assert result.job_number == JobNumber("V", 2032, "04521", "es")
    numbered = [block.text for block in segment(result.text) if block.kind == "numbered"]
    assert numbered == [paragraph[3:], "La Secretaría presentó un informe sobre el latón."]


def test_longer_left_column_stays_in_the_masthead(tmp_path: Path) -> None:
    right = ["CTOC/COP/2033/L.1", "Distr.: Limited"]
    path = write_un_pdf(tmp_path / "short-right.pdf", LEFT, right, ["1. The lanterns were counted."])
    lines = [line for line in read_pdf(path).splitlines() if line]
    assert lines == LEFT + right + ["1. The lanterns were counted."]


def test_page_without_masthead_reads_top_to_bottom(tmp_path: Path) -> None:
    path = write_un_pdf(tmp_path / "plain.pdf", [], [], ["Lantern notes", "1. The lanterns were counted."])
    assert read_pdf(path) == "Lantern notes\n\n1. The lanterns were counted.\n"


def _pdf_with(tmp_path: Path, name: str, build: Callable[[FPDF], object]) -> Path:
    pdf = FPDF()
    build(pdf)
    pdf.output(str(tmp_path / name))
    return tmp_path / name


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.pdf", b"", "empty file"),
    ("note.pdf", b"United Nations\nCTOC/COP/2031/1\n", "not a PDF"),
    ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "unreadable PDF"),
])
def test_unreadable_files_raise_value_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as caught:
        read_pdf(path)
    assert "\n" not in str(caught.value) and name in str(caught.value)


def test_pdf_without_text_layer_raises_value_error(tmp_path: Path) -> None:
    path = _pdf_with(tmp_path, "scan.pdf", lambda pdf: (pdf.add_page(), pdf.rect(20, 20, 80, 40)))
    with pytest.raises(ValueError, match="no text layer"):
        read_pdf(path)


def test_encrypted_pdf_raises_value_error(tmp_path: Path) -> None:
    def build(pdf: FPDF) -> None:
        pdf.set_encryption(owner_password="owner", user_password="reader")
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.cell(text="A locked lantern")
    with pytest.raises(ValueError, match="encrypted PDF that needs a password"):
        read_pdf(_pdf_with(tmp_path, "locked.pdf", build))
