"""Commands that run the platform's pieces: the app database migrations and the Dagster UI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from shortgen_assets.console.common import app, db_app, friendly, instance


@db_app.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Apply the app database migrations (they also run on first use)."""
    from shortgen_assets.db.session import get_engine, upgrade
    from shortgen_assets.settings import get_settings

    head = upgrade(get_engine(get_settings().app_database_url))
    typer.echo(f"app database at revision {head}")


@app.command()
@friendly
def ui(
    port: Annotated[int, typer.Option(help="Port for the webserver")] = 3000,
) -> None:
    """Start the Dagster UI and daemon on 127.0.0.1 with the project's DAGSTER_HOME."""
    from shortgen_assets.settings import get_settings

    instance(get_settings())
    dagster = shutil.which("dagster") or str(Path(sys.executable).parent / "dagster")
    target = (
        ["-w", "workspace.yaml"]
        if Path("workspace.yaml").exists()
        else ["-m", "shortgen_assets.definitions"]
    )
    cmd = [dagster, "dev", *target, "-h", "127.0.0.1", "-p", str(port)]
    typer.echo(f"DAGSTER_HOME={os.environ['DAGSTER_HOME']}\n{' '.join(cmd)}", err=True)
    raise typer.Exit(subprocess.call(cmd))
