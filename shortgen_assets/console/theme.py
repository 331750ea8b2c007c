"""`shortgen theme`: write a commented starter theme, validate one, print the theme reference.

Kept light: the commands import the schema only when they run, so `shortgen --help` stays quick.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

import typer

from shortgen_assets.console.common import UserError, app, friendly

theme_app = typer.Typer(help="Write, check and document themes.", no_args_is_help=True)
app.add_typer(theme_app, name="theme")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


@theme_app.command("new")
@friendly
def new(
    name: Annotated[str, typer.Argument(help="Theme name: lowercase letters, digits, - and _")],
    out: Annotated[
        Path | None, typer.Option(help="File to write (default config/themes/NAME.yaml)")
    ] = None,
) -> None:
    """Write a complete, commented theme: every field with its meaning, range and default."""
    from shortgen_assets.domain.theme_reference import starter_theme

    if not NAME.match(name):
        raise UserError(f"{name!r} is not a theme name; use lowercase letters, digits, - and _")
    path = out or Path("config/themes") / f"{name}.yaml"
    if path.exists():
        raise UserError(f"{path} exists; pick another name or pass --out FILE")
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    temp.write_text(starter_theme(name), encoding="utf-8")
    os.replace(temp, path)
    typer.echo(str(path))
    typer.echo(
        f"edit it, then: shortgen theme check {path} && shortgen demo --theme {path}", err=True
    )


@theme_app.command("check")
@friendly
def check(file: Annotated[Path, typer.Argument(metavar="FILE", help="Theme YAML file")]) -> None:
    """Validate a theme file: one line naming the field and the fix, or a short summary."""
    from shortgen_assets.domain.themes import load_theme

    theme = load_theme(file)
    points = sum(len(reference.talking_points) for reference in theme.references)
    typer.echo(
        f"ok: {file}: theme {theme.name!r}, {theme.duration_seconds} s {theme.style} videos "
        f"for {theme.product} ({points} talking points, keywords: "
        f"{', '.join(theme.keywords) or 'none'})"
    )


@theme_app.command("docs")
def docs() -> None:
    """Print the theme reference (Markdown), as kept in docs/themes.md."""
    from shortgen_assets.domain.theme_reference import reference_markdown

    typer.echo(reference_markdown(), nl=False)
