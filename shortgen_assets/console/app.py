"""The `shortgen` command line: one Typer app whose commands live in the modules beside this one.

Adding commands: write `console/NAME.py` that takes `app` and `friendly` from `console.common` and
declares its commands with `@app.command()` (a group of commands: its own Typer, added in that
module with `app.add_typer(group, name=...)`, as console/theme.py does). At module level it imports
only typer, the standard library and `console.common`; Dagster, SQLAlchemy, the settings and
domain code are imported inside each command's body, so `shortgen --help` answers without loading
them (shortgen_assets_tests/console/test_imports.py checks it). Commands that read the instance
import Dagster but not `shortgen_assets.definitions`; only commands that launch runs load that.
Then register the module below with one import line.
"""

from __future__ import annotations

# Importing a command module registers its commands.
import shortgen_assets.console.doctor
import shortgen_assets.console.jobs
import shortgen_assets.console.publish
import shortgen_assets.console.runs
import shortgen_assets.console.serve
import shortgen_assets.console.services
import shortgen_assets.console.theme  # noqa: F401
from shortgen_assets.console.common import app

__all__ = ["app"]
