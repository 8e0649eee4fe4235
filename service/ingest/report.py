"""The ingest report: what was stated, what was not understood, what disagrees, what the shapes said.

Printed, and written beside the output (``FILE.report.txt``): a reader can see in one place every
sentence the extractor skipped, so that nothing is dropped in silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Report:
    """Everything one ingest run has to say."""

    source: Path
    lang: str
    document: str = ""
    graph: str = ""
    facts: int = 0
    triples: int = 0
    not_understood: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    violations: str = ""
    outcome: str = ""

    def text(self) -> str:
        lines = [f"ingest of {self.source} ({self.lang})", f"document: {self.document}", f"graph: {self.graph}",
                 f"facts: {self.facts} (with provenance: {self.triples} triples)", ""]
        lines += _section("not understood (no fact taken from these)",
                          [f"[{where}] {text}" for where, text in self.not_understood])
        lines += _section("notes", self.notes)
        lines += _section("conflicts with the existing graph", self.conflicts)
        if self.violations:
            lines += ["shape violations:", self.violations.rstrip(), ""]
        lines.append(f"outcome: {self.outcome}")
        return "\n".join(lines) + "\n"


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return [f"{title}: none", ""]
    return [f"{title}: {len(items)}", *(f"  - {item}" for item in items), ""]
