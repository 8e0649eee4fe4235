"""The CTOC/COP symbol grammar: every printed form parsed, junk rejected, broken symbols rejoined."""

from __future__ import annotations

import pytest

from untoc_kg.ingest.symbols import Symbol, find_symbols, parse_symbol


@pytest.mark.parametrize(("text", "body", "year", "number", "special", "suffixes"), [
    ("CTOC/COP/2012/14", None, 2012, 14, None, ()),
    ("CTOC/COP/2024/1", None, 2024, 1, None, ()),
    ("CTOC/COP/2010/17", None, 2010, 17, None, ()),
    ("CTOC/COP/WG.4/2023/5", "WG.4", 2023, 5, None, ()),
    ("CTOC/COP/WG.6/2018/3", "WG.6", 2018, 3, None, ()),
    ("CTOC/COP/WG.8/2025/2", "WG.8", 2025, 2, None, ()),
    ("CTOC/COP/WG.12/2030/1", "WG.12", 2030, 1, None, ()),
    ("CTOC/COP/2020/L.3", None, 2020, None, ("L", 3), ()),
    ("CTOC/COP/2020/L.3/Rev.1", None, 2020, None, ("L", 3), (("Rev", 1),)),
    ("CTOC/COP/WG.2/2019/CRP.1", "WG.2", 2019, None, ("CRP", 1), ()),
    ("CTOC/COP/2022/INF.2", None, 2022, None, ("INF", 2), ()),
    ("CTOC/COP/2012/14/Add.1", None, 2012, 14, None, (("Add", 1),)),
    ("CTOC/COP/WG.1/2010/2/Corr.1", "WG.1", 2010, 2, None, (("Corr", 1),)),
])
def test_every_form_is_parsed(text: str, body: str | None, year: int, number: int | None,
                              special: tuple[str, int] | None, suffixes: tuple[tuple[str, int], ...]) -> None:
    symbol = parse_symbol(text)
    assert symbol == Symbol(text, "CTOC/COP", body, year, number, special, suffixes)
    assert str(symbol) == text


@pytest.mark.parametrize("text", [
    "CTOC/COP/WG.4/2023/5x", "resolution 7/1", "CTOC/COP", "CTOC/COP/2012", "CTOC/COP/WG.4/2023",
    "CTOC/COP/2020/L.3/Rev", "CTOC/COP/2020/X.3", "CTOC/COP/2012/14/Add.1/Foo.2", "A/RES/55/25",
    "CTOC/COP/WG.4/2023/5/", "ctoc/cop/2012/14",
])
def test_junk_is_rejected(text: str) -> None:
    assert parse_symbol(text) is None


def test_series_body_and_hints() -> None:
    group = parse_symbol("CTOC/COP/WG.4/2023/5")
    assert group is not None and group.series == "CTOC/COP/WG.4" and group.body == "WG.4"
    assert group.kind_hint is None
    conference = parse_symbol("CTOC/COP/2024/1")
    assert conference is not None and conference.series == "CTOC/COP" and conference.body is None
    hints = {text: parse_symbol(text).kind_hint for text in  # type: ignore[union-attr]
             ("CTOC/COP/2020/L.3/Rev.1", "CTOC/COP/WG.2/2019/CRP.1", "CTOC/COP/2022/INF.2")}
    assert hints == {"CTOC/COP/2020/L.3/Rev.1": "draft", "CTOC/COP/WG.2/2019/CRP.1": "conference-room-paper",
                     "CTOC/COP/2022/INF.2": "information"}


def test_base_drops_revisions_addenda_and_corrigenda() -> None:
    revised = parse_symbol("CTOC/COP/2020/L.3/Rev.1")
    assert revised is not None and revised.base == parse_symbol("CTOC/COP/2020/L.3")
    corrected = parse_symbol("CTOC/COP/WG.1/2010/2/Corr.1")
    assert corrected is not None and corrected.base == parse_symbol("CTOC/COP/WG.1/2010/2")
    plain = parse_symbol("CTOC/COP/2012/14")
    assert plain is not None and plain.base is plain


def test_find_symbols_in_running_text_with_spans() -> None:
    text = ("See documents CTOC/COP/2012/14 and CTOC/COP/2012/14/Add.1. The draft (CTOC/COP/2020/L.3/Rev.1*) "
            "replaced CTOC/COP/WG.4/2023/5x, cited under resolution 7/1; see CTOC/COP/2022/INF.2.")
    found = find_symbols(text)
    assert [str(symbol) for symbol, _ in found] == [
        "CTOC/COP/2012/14", "CTOC/COP/2012/14/Add.1", "CTOC/COP/2020/L.3/Rev.1", "CTOC/COP/2022/INF.2"]
    assert [text[start:end] for _, (start, end) in found] == [str(symbol) for symbol, _ in found]


def test_a_symbol_broken_after_the_series_is_rejoined() -> None:
    text = "Distr.: General\nCTOC\n/COP/WG.2/2019/2\nOriginal: English"
    [(symbol, (start, end))] = find_symbols(text)
    assert str(symbol) == "CTOC/COP/WG.2/2019/2" and symbol.series == "CTOC/COP/WG.2"
    assert text[start:end] == "CTOC\n/COP/WG.2/2019/2"


def test_a_symbol_glued_to_other_words_is_not_one() -> None:
    assert find_symbols("XCTOC/COP/2012/14 and CTOC/COP/2012/14/Add.1x") == []
