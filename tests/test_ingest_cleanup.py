"""Repairs of PDF-extracted text (service/ingest/cleanup.py), in English and Spanish, on invented wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from untoc_kg.ingest.cleanup import Cleaned, JobNumber, clean_extracted

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def cleaned(text: str) -> str:
    return clean_extracted(text).text


# Job number, processing dates, barcode


def test_job_number_inside_a_flattened_line_is_removed_and_recorded() -> None:
    result = clean_extracted("Distr.: General 9 March 2031 Original: English V.31-00417 (E) 020331 060331 "
                             "*3100417* Working Group on Lanterns Graz, 5 and 6 June 2031\n")
    assert result.text == ("Distr.: General 9 March 2031 Original: English Working Group on Lanterns "
                           "Graz, 5 and 6 June 2031\n")
    assert result.job_number == JobNumber("V", 2031, "00417", "en")
    assert result.removed == ("job number: V.31-00417 (E) 020331 060331", "barcode: *3100417*")


def test_job_number_on_lines_of_its_own_goes_with_its_lines() -> None:
    text = ("1. El Grupo examinó la cuestión de los faroles\n"
            "V.32-04521 (S) 110132 120132\n"
            "*3204521*\n"
            "de latón en su primera reunión.\n")
    result = clean_extracted(text)
    assert result.text == "1. El Grupo examinó la cuestión de los faroles\nde latón en su primera reunión.\n"
    assert result.job_number == JobNumber("V", 2032, "04521", "es")


@pytest.mark.parametrize(("letter", "language"), [("E", "en"), ("S", "es"), ("F", "fr"), ("R", "ru"),
                                                  ("C", "zh"), ("A", "ar")])
def test_language_letter_is_mapped_to_an_iso_code(letter: str, language: str) -> None:
    assert clean_extracted(f"Text.\nV.29-00011 ({letter})\n").job_number == JobNumber("V", 2029, "00011", language)


def test_no_job_number_is_none() -> None:
    assert clean_extracted("1. The Group met in Graz.\n") == Cleaned("1. The Group met in Graz.\n", None, ())


# Running headers and footers


def test_repeated_symbol_and_page_numbers_are_removed_but_the_masthead_symbol_stays() -> None:
    text = ("CTOC/COP/WG.9/2031/4\nDistr.: General\n\n"
            "1. The panel counted the brass fittings of\n"
            "CTOC/COP/WG.9/2031/4\n"
            "2/12\n"
            "every lantern in the hall.\n"
            "3\n"
            "2. The report CTOC/COP/WG.9/2031/4 is before the panel.\n"
            "- 4 -\n"
            "4/12 V.31-00417\n"
            "V.31-00417 (E)\n")
    result = clean_extracted(text)
    assert result.text == ("CTOC/COP/WG.9/2031/4\nDistr.: General\n\n"
                           "1. The panel counted the brass fittings of\n"
                           "every lantern in the hall.\n"
                           "2. The report CTOC/COP/WG.9/2031/4 is before the panel.\n")
    assert "running header or footer: 4/12 V.31-00417" in result.removed


def test_spanish_running_header_is_removed() -> None:
    text = ("CTOC/COP/WG.4/2032/2\nDistr. general\n\n"
            "3. La Conferencia pidió a la Secretaría que reuniera\n\n"
            "CTOC/COP/WG.4/2032/2\n\n5/9\n\n"
            "información sobre los faroles.\n")
    assert cleaned(text) == ("CTOC/COP/WG.4/2032/2\nDistr. general\n\n"
                             "3. La Conferencia pidió a la Secretaría que reuniera\n\n\n\n"
                             "información sobre los faroles.\n")


def test_years_and_numbered_lines_are_not_page_numbers() -> None:
    text = "Lantern figures for\n2031\n12.\n"
    assert cleaned(text) == text


# Hyphenation at line ends


@pytest.mark.parametrize(("text", "expected"), [
    ("the transna-\ntional panel\n", "the transnational panel\n"),
    ("an open-\nended group\n", "an open-ended group\n"),
    ("the Inter-\nAmerican lantern\n", "the Inter-\nAmerican lantern\n"),
    ("la delincuen-\ncia organizada\n", "la delincuencia organizada\n"),
    ("contra la co-\nrrupción y la ex-\ntradición\n", "contra la corrupción y la extradición\n"),
    ("the 2031-\n2032 budget and the UN-\nwide plan\n", "the 2031-\n2032 budget and the UN-\nwide plan\n"),
])
def test_line_end_hyphens(text: str, expected: str) -> None:
    assert cleaned(text) == expected


# Footnote markers


@pytest.mark.parametrize(("text", "expected"), [
    ("against Transnational Organized Crime1 and its Protocols,2 the", "against Transnational Organized Crime and its Protocols, the"),
    ("the lantern panel met.3 It", "the lantern panel met. It"),
    ("la Convención4 y sus Protocolos,5 la", "la Convención y sus Protocolos, la"),
    ("(Grupo de Faroles12)", "(Grupo de Faroles)"),
])
def test_footnote_markers_glued_to_words_are_removed(text: str, expected: str) -> None:
    assert cleaned(text) == expected


@pytest.mark.parametrize("text", [
    "in its resolution 7/1, the", "the WG.4 meeting", "in 2010, the", "see CTOC/COP/2012/14 and",
    "job V.18 only", "the G20 lanterns", "on 3 May 2031 the", "under article 32 of", "see Rev.1 and Add.2",
    "decisión 4/4 de la", "su 12º período de sesiones", "su 13ª reunión", "vol. 2225, No. 39574.",
    "www.example.org/page2 and", "para.3 of", "12. The Group", "A/RES/55/25,",
])
def test_real_numbers_are_kept(text: str) -> None:
    assert cleaned(text) == text


def test_footnote_markers_are_recorded() -> None:
    assert clean_extracted("the Convention1 and").removed == ("footnote marker: Convention1",)


# Inline paragraph numbers


def test_inline_paragraph_numbers_in_sequence_start_new_blocks() -> None:
    text = ("Report on the panel 1. In its resolution 12/3, the Conference set up a panel on lanterns. "
            "2. The panel met in 2031. 3. It reported on brass fittings.\n")
    assert cleaned(text) == ("Report on the panel\n\n1. In its resolution 12/3, the Conference set up a panel on lanterns.\n\n"
                             "2. The panel met in 2031.\n\n3. It reported on brass fittings.\n")


def test_spanish_inline_paragraph_number_after_a_numbered_line() -> None:
    text = "4. El Grupo examinó los faroles. 5. La Secretaría presentó un informe.\n"
    assert cleaned(text) == "4. El Grupo examinó los faroles.\n\n5. La Secretaría presentó un informe.\n"


@pytest.mark.parametrize("text", [
    "1. The panel amended rule 7. The rule now reads as follows.\n",  # 7 is not the next number
    "1. The panel met in 2031. 3. The dates were set.\n",  # 3 does not follow 1
    "1. The panel amended article 2. The article now reads as follows.\n",  # 2 is what "article" refers to
    "1. The panel met on 1 and 2. June suited everyone.\n",  # a date, though 2 would be next
    "1. El Grupo se reunió los días 1 y 2. Junio convino a todos.\n",
    "1. El Grupo modificó el artículo 2. El artículo dice así.\n",
])
def test_other_numbers_are_not_paragraph_numbers(text: str) -> None:
    assert cleaned(text) == text


# Dot leaders


def test_dot_leaders_of_a_table_of_contents_are_dropped() -> None:
    text = "I. Introduction ........ 3\nII. Lanterns . . . . . . . 5\nIII. Conclusiones…………… 12\n"
    result = clean_extracted(text)
    assert result.text == "I. Introduction\nII. Lanterns\nIII. Conclusiones\n"
    assert result.removed[0] == "dot leader: ........ 3"


def test_flattened_table_of_contents_entries_are_put_on_lines() -> None:
    assert cleaned("I. Introducción ........ 3 II. Faroles ........ 5\n") == "I. Introducción\nII. Faroles\n"


def test_an_ellipsis_is_not_a_leader() -> None:
    text = "The panel said... and then.... nothing\n"
    assert cleaned(text) == text


# Clean text is a fixed point


CLEAN_MARKDOWN = """# Conference of the Parties to the United Nations Convention against Transnational Organized Crime

Distr.: General  
9 March 2031  
Original: English

## Working Group on Lanterns

Graz, 5 and 6 June 2031

Item 2 of the provisional agenda\\*

### Report on the gathering of the imaginary panel

1. In its resolution 12/3, the Conference decided that the open-ended panel ([CTOC/COP/WG.9/2031/1](#))
would meet in 2031.
2. The panel met twice, on 5 and 6 June 2031, under article 32 of the Convention and rule 7.

**Conclusiones del Grupo de Faroles**

3. El Grupo celebró su 13ª reunión en Graz y examinó la decisión 4/4... sin conclusiones.

\\* CTOC/COP/WG.9/2031/1.
"""


def test_clean_markdown_is_a_fixed_point() -> None:
    assert clean_extracted(CLEAN_MARKDOWN) == Cleaned(CLEAN_MARKDOWN, None, ())


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.*")), ids=lambda path: path.name)
def test_project_fixtures_are_fixed_points(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert clean_extracted(text).text == text


def test_pdftotext_page_breaks_and_crlf_line_ends() -> None:
    text = ("CTOC/COP/WG.9/2031/4\r\n1. The panel counted the transna-\r\n"
            "\fCTOC/COP/WG.9/2031/4\r\n2/3\r\n"
            "tional fittings.\r\n")
    assert cleaned(text) == "CTOC/COP/WG.9/2031/4\r\n1. The panel counted the transnational fittings.\r\n"
