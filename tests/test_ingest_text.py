"""Reading the words: dates, ordinals, names and the cutting of a document into passages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import source_note_text
from untoc_kg.ingest.dates import find_dates
from untoc_kg.ingest.extract import assign_roles
from untoc_kg.ingest.lexicon import find_bodies, fold
from untoc_kg.ingest.ordinals import ordinal_value, ordinals_before
from untoc_kg.ingest.patterns import for_language
from untoc_kg.ingest.run import guess_language
from untoc_kg.ingest.segment import segment

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


@pytest.mark.parametrize(("text", "start", "end"), [
    ("los días 2 y 3 de octubre de 2023", date(2023, 10, 2), date(2023, 10, 3)),
    ("2 and 3 October 2023", date(2023, 10, 2), date(2023, 10, 3)),
    ("from 27 to 29 January 2010", date(2010, 1, 27), date(2010, 1, 29)),
    ("del 27 al 29 de enero de 2010", date(2010, 1, 27), date(2010, 1, 29)),
    ("14 a 18 de octubre de 2024", date(2024, 10, 14), date(2024, 10, 18)),
    ("Vienna, 14–18 October 2024", date(2024, 10, 14), date(2024, 10, 18)),
    ("29 de noviembre a 1 de diciembre de 2023", date(2023, 11, 29), date(2023, 12, 1)),
    ("29 November to 1 December 2023", date(2023, 11, 29), date(2023, 12, 1)),
    ("30 December 2023 to 2 January 2024", date(2023, 12, 30), date(2024, 1, 2)),
    ("30 de diciembre de 2023 a 2 de enero de 2024", date(2023, 12, 30), date(2024, 1, 2)),
    ("el 5 de junio de 2024", date(2024, 6, 5), date(2024, 6, 5)),
    ("on 5 June 2024", date(2024, 6, 5), date(2024, 6, 5)),
    ("on 31 July and 1 August 2029", date(2029, 7, 31), date(2029, 8, 1)),  # two days across a month end
    ("los días 31 de julio y 1 de agosto de 2029", date(2029, 7, 31), date(2029, 8, 1)),
])
def test_dates_in_both_languages(text: str, start: date, end: date) -> None:
    [found] = find_dates(text)
    assert (found.start, found.end) == (start, end)
    assert text[found.span[0]:found.span[1]].split()[-1] == str(end.year)


def test_two_ranges_in_one_phrase_are_two_dates() -> None:
    text = "celebradas en Viena los días 2 y 3 de octubre de 2023 y 8 y 9 de julio de 2024"
    found = find_dates(text)
    assert [(d.start, d.end) for d in found] == [(date(2023, 10, 2), date(2023, 10, 3)),
                                                  (date(2024, 7, 8), date(2024, 7, 9))]
    assert text[found[1].span[0]:found[1].span[1]] == "8 y 9 de julio de 2024"


@pytest.mark.parametrize("text", ["31 de febrero de 2024", "5 to 3 May 2024", "CTOC/COP/2024/1", "item 2 of 2024"])
def test_impossible_or_absent_dates_are_not_guessed(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("met on 14 and 15 April 2009, from 27 to 29 January 2010 and on 19 October 2010",
     [("14 and 15 April 2009", date(2009, 4, 14), date(2009, 4, 15)),
      ("27 to 29 January 2010", date(2010, 1, 27), date(2010, 1, 29)),
      ("19 October 2010", date(2010, 10, 19), date(2010, 10, 19))]),
    ("se reunió los días 14 y 15 de abril de 2009, del 27 al 29 de enero de 2010 y el 19 de octubre de 2010",
     [("14 y 15 de abril de 2009", date(2009, 4, 14), date(2009, 4, 15)),
      ("27 al 29 de enero de 2010", date(2010, 1, 27), date(2010, 1, 29)),
      ("19 de octubre de 2010", date(2010, 10, 19), date(2010, 10, 19))]),
    ("on 3 and 4 May and 5 and 6 July 2023",
     [("3 and 4 May", date(2023, 5, 3), date(2023, 5, 4)), ("5 and 6 July 2023", date(2023, 7, 5), date(2023, 7, 6))]),
    ("los días 3 y 4 de mayo y el 6 de julio de 2023",
     [("3 y 4 de mayo", date(2023, 5, 3), date(2023, 5, 4)), ("6 de julio de 2023", date(2023, 7, 6), date(2023, 7, 6))]),
    ("on 31 December 2028 and 1 January 2029",  # each with its own year: two dates, however close
     [("31 December 2028", date(2028, 12, 31), date(2028, 12, 31)),
      ("1 January 2029", date(2029, 1, 1), date(2029, 1, 1))]),
    ("on 3 May and 5 July 2023",
     [("3 May", date(2023, 5, 3), date(2023, 5, 3)), ("5 July 2023", date(2023, 7, 5), date(2023, 7, 5))]),
    ("on 1, 2 and 3 March 2022", [("1, 2 and 3 March 2022", date(2022, 3, 1), date(2022, 3, 3))]),
    ("del 6 al 8 de septiembre de 2017", [("6 al 8 de septiembre de 2017", date(2017, 9, 6), date(2017, 9, 8))]),
    ("de 6 a 8 de septiembre de 2017", [("6 a 8 de septiembre de 2017", date(2017, 9, 6), date(2017, 9, 8))]),
    ("del 30 de noviembre al 2 de diciembre de 2023",
     [("30 de noviembre al 2 de diciembre de 2023", date(2023, 11, 30), date(2023, 12, 2))]),
    ("from 30 November to 2 December 2023", [("30 November to 2 December 2023", date(2023, 11, 30), date(2023, 12, 2))]),
])
def test_lists_of_dates_with_month_and_year_carried_back(text: str, expected: list[tuple[str, date, date]]) -> None:
    assert [(text[d.span[0]:d.span[1]], d.start, d.end) for d in find_dates(text)] == expected


def test_a_year_from_elsewhere_only_when_given() -> None:
    assert find_dates("los días 3 y 4 de mayo") == []
    [found] = find_dates("los días 3 y 4 de mayo", year=2023)
    assert (found.start, found.end) == (date(2023, 5, 3), date(2023, 5, 4))


@pytest.mark.parametrize(("text", "starts"), [
    ("30 December to 2 January 2024", []), ("del 5 al 3 de mayo de 2024", []), ("by 31 December", []),
    ("12 December and 5 January 2024", [date(2024, 1, 5)]),
])
def test_a_carried_year_never_reverses_the_order(text: str, starts: list[date]) -> None:
    assert [d.start for d in find_dates(text)] == starts


def test_a_bare_number_before_a_comma_is_no_day() -> None:
    [found] = find_dates("paragraph 12, 2 and 3 May 2023")
    assert (found.start, found.end) == (date(2023, 5, 2), date(2023, 5, 3))


@pytest.mark.parametrize(("word", "value"), [
    ("13ª", 13), ("12º", 12), ("13th", 13), ("1st", 1), ("thirteenth", 13), ("twelfth", 12), ("twenty-first", 21),
    ("duodécimo", 12), ("Duodécima", 12), ("decimotercera", 13), ("décimo tercer", 13), ("vigésimo primero", 21),
    ("tercer", 3), ("undécimo", 11), ("decimoquinto", 15),
])
def test_ordinals_in_both_languages(word: str, value: int) -> None:
    assert ordinal_value(word) == value


@pytest.mark.parametrize("word", ["reunión", "meeting", "su", "13", "the"])
def test_non_ordinals(word: str) -> None:
    assert ordinal_value(word) is None


def test_ordinals_before_a_noun_take_one_or_two_words() -> None:
    found = ordinals_before("celebró su 13ª reunión y celebrará su décimo cuarta reunión; las reuniones", "reunión")
    assert [o.value for o in found] == [13, 14]


def test_a_body_named_in_either_language_is_one_series() -> None:
    spanish = find_bodies("el Grupo de Trabajo sobre el Tráfico Ilícito de Migrantes celebró", "es")
    english = find_bodies("the Working Group on the Smuggling of Migrants held", "en")
    assert [m.key for m in spanish] == [m.key for m in english] == ["CTOC/COP/WG.7"]


def test_blocks_keep_the_source_offset_of_every_character() -> None:
    source = source_note_text()
    for block in segment(source):
        for char, offset in zip(block.text, block.offsets):
            assert char == source[offset] or (char == " " and source[offset].isspace())


def test_a_paragraph_cut_by_a_page_break_is_rejoined_and_its_footnote_kept() -> None:
    blocks = segment(source_note_text())
    [third] = [b for b in blocks if b.number == 3]
    assert "(CTOC/COP/WG.4/2023/5 y CTOC/COP/WG.4/2024/5, respectivamente) se presentarán" in third.text
    assert [b.text for b in blocks if b.kind == "footnote"] == ["* CTOC/COP/2024/1."]
    assert [b.number for b in blocks if b.kind == "numbered"] == list(range(1, 16))


def test_the_language_is_guessed_from_function_words() -> None:
    assert guess_language(source_note_text()) == "es"
    assert guess_language((FIXTURES / "note-2024-07-04.en.md").read_text(encoding="utf-8")) == "en"


def test_a_repeated_role_gets_its_own_passage() -> None:
    roles, unknown = assign_roles(segment("1. Uno.\n\n1. Otra vez uno.\n\nGrupo de Trabajo sobre Armas de Fuego\n\n"
                                          "Grupo de Trabajo sobre Armas de Fuego\n"), for_language("es"))
    assert [role.name for role in roles] == ["1", "1-2", "body", "body-2"]
    assert unknown == []


@pytest.mark.parametrize("text", ["Grupo de Trabajo sobre el Tráfico Ilícito", "İstanbul", "ñandú", "한국어"])
def test_folding_keeps_offsets(text: str) -> None:
    """Names are found in the folded text and quoted from the printed one: both must align."""
    assert len(fold(text)) == len(text)
