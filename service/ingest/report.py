"""The ingest reports: one per document, and the summary table of a run.

A document's report is printed, and written beside its output (``FILE.report.txt``): a reader can
see in one place every sentence the extractor skipped, so that nothing is dropped in silence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Report:
    """Everything one document's ingest has to say; ``status`` 0 when written (else the exit status)."""

    source: Path
    lang: str
    document: str = ""
    graph: str = ""
    facts: int = 0
    triples: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    not_understood: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    violations: str = ""
    outcome: str = ""
    status: int = 0

    def text(self) -> str:
        lines = [f"ingest of {self.source} ({self.lang or 'language not told'})", f"document: {self.document}",
                 f"graph: {self.graph}", f"facts: {self.facts} (with provenance: {self.triples} triples)", ""]
        lines += _section("print furniture removed (job number, running headers, line-end damage)", self.removed)
        lines += _section("not understood (no fact taken from these)",
                          [f"[{where}] {text}" for where, text in self.not_understood])
        lines += _section("notes", self.notes)
        lines += _section("conflicts with the existing graph", self.conflicts)
        if self.violations:
            lines += ["shape violations:", self.violations.rstrip(), ""]
        lines.append(f"outcome: {self.outcome}")
        return "\n".join(lines) + "\n"


def summary(reports: list[Report]) -> str:
    """The table a run ends with: documents read, ingested and refused (and why), facts per kind,
    sentences not understood."""
    written = [r for r in reports if r.status == 0]
    lines = [f"summary: {len(reports)} document(s) read, {len(written)} ingested, {len(reports) - len(written)} refused",
             "", f"{'document':<44} {'lang':<4} {'facts':>6} {'not understood':>14}  outcome"]
    for report in reports:
        lines.append(f"{_cut(report.source.name, 44):<44} {report.lang:<4} {report.facts:>6} "
                     f"{len(report.not_understood):>14}  {report.outcome}")
    kinds = Counter()
    for report in written:
        kinds.update(report.kinds)
    lines += ["", "things described, by kind (ingested documents): "
              + (", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())) or "none"),
              f"sentences and blocks not understood: {sum(len(r.not_understood) for r in written)}"]
    return "\n".join(lines) + "\n"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return [f"{title}: none", ""]
    return [f"{title}: {len(items)}", *(f"  - {item}" for item in items), ""]
