"""Meetings named in a sentence: which dates are a meeting's, with group, ordinal, place and status.

Every sentence here is invented in the phrasing of the Conference's documents.
"""

from __future__ import annotations

from datetime import date

import pytest

from untoc_kg.ingest.meetings import MeetingMention, body_names, find_meetings, lexicon_names

BODIES = body_names([*lexicon_names(), ("Working Group on the Review of Implementation", "CTOC/COP/WG.8"),
                     ("Grupo de Trabajo sobre el Examen de la Aplicación", "CTOC/COP/WG.8")])


def _quote(sentence: str, span: tuple[int, int] | None) -> str | None:
    return sentence[span[0]:span[1]] if span else None


def _days(found: list[MeetingMention]) -> list[tuple[date, date]]:
    return [(m.dates.start, m.dates.end) for m in found]


@pytest.mark.parametrize(("lang", "sentence", "ordinal_text", "status_text"), [
    ("en", "The Working Group on Firearms held its twelfth meeting in Vienna on 6 and 7 May 2024.",
     "twelfth meeting", "held"),
    ("es", "El Grupo de Trabajo sobre Armas de Fuego celebró su 12ª reunión en Viena los días 6 y 7 de mayo de 2024.",
     "12ª reunión", "celebró"),
])
def test_ordinal_and_dates(lang: str, sentence: str, ordinal_text: str, status_text: str) -> None:
    [meeting] = find_meetings(sentence, lang, BODIES)
    assert (meeting.series, meeting.ordinal, meeting.place, meeting.status) == ("CTOC/COP/WG.6", 12, "vienna", "held")
    assert (meeting.dates.start, meeting.dates.end) == (date(2024, 5, 6), date(2024, 5, 7))
    assert _quote(sentence, meeting.ordinal_span) == ordinal_text
    assert _quote(sentence, meeting.status_span) == status_text
    assert _quote(sentence, meeting.place_span) in ("Vienna", "Viena")


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "The Working Group met in Vienna from 11 to 13 March 2015."),
    ("es", "El Grupo de Trabajo se reunió en Viena del 11 al 13 de marzo de 2015."),
])
def test_dates_only_leave_the_group_to_the_document(lang: str, sentence: str) -> None:
    [meeting] = find_meetings(sentence, lang, BODIES)
    assert (meeting.series, meeting.body_name, meeting.ordinal) == (None, None, None)
    assert _days([meeting]) == [(date(2015, 3, 11), date(2015, 3, 13))]
    assert meeting.status == "held"


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "Its fifth meeting, held on 21 November 2016, was chaired by the Vice-President."),
    ("es", "Su quinta reunión tuvo lugar el 21 de noviembre de 2016."),
])
def test_one_day(lang: str, sentence: str) -> None:
    [meeting] = find_meetings(sentence, lang, BODIES)
    assert (meeting.ordinal, meeting.status, meeting.dates.days) == (5, "held", 1)
    assert meeting.dates.start == date(2016, 11, 21)


@pytest.mark.parametrize(("lang", "sentence", "start", "end"), [
    ("en", "The Working Group on Trafficking in Persons met from 29 November to 1 December 2021.",
     date(2021, 11, 29), date(2021, 12, 1)),
    ("es", "El Grupo de Trabajo sobre la Trata de Personas se reunió del 29 de noviembre al 1 de diciembre de 2021.",
     date(2021, 11, 29), date(2021, 12, 1)),
    ("en", "The Working Group met in Vienna from 30 December 2021 to 2 January 2022.",
     date(2021, 12, 30), date(2022, 1, 2)),
    ("es", "El Grupo de Trabajo se reunió del 30 de diciembre de 2021 al 2 de enero de 2022.",
     date(2021, 12, 30), date(2022, 1, 2)),
])
def test_ranges_across_months_and_years(lang: str, sentence: str, start: date, end: date) -> None:
    [meeting] = find_meetings(sentence, lang, BODIES)
    assert (meeting.dates.start, meeting.dates.end) == (start, end)


def test_los_dias_takes_the_year_only_when_the_sentence_gives_it() -> None:
    given = "En 2019, el Grupo de Trabajo se reunió en Viena los días 8 y 9 de julio."
    [meeting] = find_meetings(given, "es", BODIES)
    assert _days([meeting]) == [(date(2019, 7, 8), date(2019, 7, 9))]
    assert _quote(given, meeting.dates.span) == "8 y 9 de julio"
    assert find_meetings("El Grupo de Trabajo se reunió en Viena los días 8 y 9 de julio.", "es", BODIES) == []


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "The Working Group met in Vienna on 2 and 3 June 2011, from 17 to 19 October 2012 and on 4 April 2013."),
    ("es", "El Grupo de Trabajo se reunió en Viena los días 2 y 3 de junio de 2011, del 17 al 19 de octubre de 2012 "
           "y el 4 de abril de 2013."),
])
def test_a_list_of_three_meetings(lang: str, sentence: str) -> None:
    found = find_meetings(sentence, lang, BODIES)
    assert _days(found) == [(date(2011, 6, 2), date(2011, 6, 3)), (date(2012, 10, 17), date(2012, 10, 19)),
                            (date(2013, 4, 4), date(2013, 4, 4))]
    assert {(m.place, m.status) for m in found} == {("vienna", "held")}


def test_a_month_and_year_printed_once_belong_to_the_days_before() -> None:
    found = find_meetings("The Working Group met on 3 and 4 May and 5 and 6 July 2023.", "en", BODIES)
    assert _days(found) == [(date(2023, 5, 3), date(2023, 5, 4)), (date(2023, 7, 5), date(2023, 7, 6))]


@pytest.mark.parametrize(("lang", "sentence", "status", "status_text"), [
    ("en", "The thirteenth meeting of the Working Group on Firearms will be held in Vienna on 9 and 10 June 2026.",
     "scheduled", "will be held"),
    ("es", "La 13ª reunión del Grupo de Trabajo sobre Armas de Fuego se celebrará en Viena los días 9 y 10 de junio "
           "de 2026.", "scheduled", "se celebrará"),
    ("en", "The thirteenth meeting of the Working Group on Firearms was held in Vienna on 9 and 10 June 2026.",
     "held", "was held"),
    ("es", "La 13ª reunión del Grupo de Trabajo sobre Armas de Fuego se celebró en Viena los días 9 y 10 de junio "
           "de 2026.", "held", "se celebró"),
    ("en", "The Conference decided that the thirteenth meeting would be held on 9 and 10 June 2026.", None, None),
    ("es", "Su 13ª reunión, celebrada los días 9 y 10 de junio de 2026, fue breve.", None, None),
])
def test_held_or_scheduled_as_the_verb_says(lang: str, sentence: str, status: str | None,
                                            status_text: str | None) -> None:
    [meeting] = find_meetings(sentence, lang, BODIES)
    assert (meeting.status, _quote(sentence, meeting.status_span)) == (status, status_text)
    assert meeting.ordinal == 13


def test_one_sentence_past_and_future() -> None:
    sentence = ("The Working Group held its sixth meeting on 2 and 3 October 2023 and will hold its seventh meeting "
                "on 5 and 6 June 2024.")
    found = find_meetings(sentence, "en", BODIES)
    assert [(m.ordinal, m.status) for m in found] == [(6, "held"), (7, "scheduled")]


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "Distr.: General 4 July 2014"),
    ("en", "In its resolution 9/1, adopted at its ninth session, held in Vienna from 15 to 19 October 2018, the "
           "Conference decided that the Working Group on Firearms would continue its work."),
    ("es", "En su resolución 9/1, aprobada en su noveno período de sesiones, celebrado en Viena del 15 al 19 de "
           "octubre de 2018, la Conferencia decidió que el Grupo de Trabajo continuara su labor."),
    ("en", "The report of the Working Group was issued on 14 March 2022."),
])
def test_dates_that_are_no_meeting(lang: str, sentence: str) -> None:
    assert find_meetings(sentence, lang, BODIES) == []


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "The Working Group held its first meeting on 2 May 2023 and invited States to reply by 31 December 2023."),
    ("es", "El Grupo de Trabajo celebró su primera reunión el 2 de mayo de 2023 e invitó a los Estados a responder "
           "antes del 31 de diciembre de 2023."),
])
def test_a_deadline_after_a_meeting_is_no_meeting(lang: str, sentence: str) -> None:
    assert [(m.dates.start, m.ordinal) for m in find_meetings(sentence, lang, BODIES)] == [(date(2023, 5, 2), 1)]


@pytest.mark.parametrize(("lang", "sentence", "name"), [
    ("en", "The Working Group on the Review of Implementation met on 3 and 4 May 2023.",
     "Working Group on the Review of Implementation"),
    ("es", "El Grupo de Trabajo sobre el Examen de la Aplicación se reunió los días 3 y 4 de mayo de 2023.",
     "Grupo de Trabajo sobre el Examen de la Aplicación"),
])
def test_a_group_named_by_a_learnt_name(lang: str, sentence: str, name: str) -> None:
    [meeting] = find_meetings(sentence, lang, BODIES)
    assert (meeting.series, meeting.body_name, _quote(sentence, meeting.body_span)) == ("CTOC/COP/WG.8", None, name)


@pytest.mark.parametrize(("lang", "sentence", "name"), [
    ("en", "The Working Group on Wildlife Crime met in Vienna on 3 and 4 May 2023.", "Working Group on Wildlife Crime"),
    ("es", "El Grupo de Trabajo sobre Delitos contra la Fauna Silvestre se reunió en Viena los días 3 y 4 de mayo "
           "de 2023.", "Grupo de Trabajo sobre Delitos contra la Fauna Silvestre"),
])
def test_an_unknown_group_is_reported_by_its_printed_name(lang: str, sentence: str, name: str) -> None:
    [meeting] = find_meetings(sentence, lang, BODIES)
    assert (meeting.series, meeting.body_name, _quote(sentence, meeting.body_span)) == (None, name, name)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        find_meetings("Die Arbeitsgruppe tagte am 3. Mai 2023.", "de", BODIES)


@pytest.mark.parametrize("sentence", [
    "El Grupo de Trabajo se había reunido en Viena del 14 al 16 de abril de 2009.",
    "El Grupo de Trabajo había celebrado una reunión del 14 al 16 de abril de 2009.",
    "El Grupo de Trabajo se ha reunido del 14 al 16 de abril de 2009.",
])
def test_the_spanish_perfect_and_pluperfect_are_held(sentence: str) -> None:
    [mention] = find_meetings(sentence, "es", body_names(lexicon_names()))
    assert (mention.dates.start, mention.dates.end, mention.status) == (date(2009, 4, 14), date(2009, 4, 16), "held")
