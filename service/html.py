"""HTML rendering shared by every room: one Jinja2 environment, autoescaping everything.

Templates live in ``service/templates/`` and extend ``base.html``; static files (CSS, the query
page's script) live in ``service/static/`` and are served at ``/static/`` with no CDN involved.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context: object) -> str:
    """A template rendered with ``context``; every value is escaped unless a template says otherwise."""
    return environment.get_template(template).render(**context)
