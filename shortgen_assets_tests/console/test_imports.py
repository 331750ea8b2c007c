"""What each entry point loads, checked in fresh processes (sys.modules, not timings).

`shortgen --help` must answer without Dagster; commands that read the instance load Dagster but
never the definitions nor any vendor's HTTP or media stack; the definitions load without
scikit-learn/scipy (clustering imports them), piper-tts/onnxruntime (narration imports them), httpx
(imported where a request is made) or Alembic (loaded for a database behind only).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME

# Runs the CLI in-process with ARGS and prints which of the watched modules got imported.
PROBE = """
import sys
sys.argv = ["shortgen", *sys.argv[1:]]
from shortgen_assets.console.app import app
try:
    app()
except SystemExit:
    pass
watched = (
    "dagster",
    "sqlalchemy",
    "shortgen_assets.definitions",
    "shortgen_assets.defs.resources.vendors",  # every vendor: listing jobs needs none of them
    "shortgen_assets.domain.schemas",  # the pipeline's pydantic models: no listing needs them
    "sklearn",
    "scipy",
    "numpy",
    "PIL",
    "httpx",
)
print("LOADED", " ".join(name for name in watched if name in sys.modules))
"""


def loaded_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith("LOADED")]
    return set(line.split()[1:])


def test_help_loads_neither_dagster_nor_sqlalchemy() -> None:
    assert loaded_by("--help") == set()
    assert loaded_by("backfill", "--help") == set()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_jobs_and_show_load_dagster_but_not_the_definitions(installation: Settings) -> None:
    job = subprocess.run(
        [sys.executable, "-c", PROBE, "request", "--theme", str(DEFAULT_THEME)],
        capture_output=True,
        text=True,
        check=True,
    )
    job_id = job.stdout.split()[0]
    for args in (("jobs", "--json"), ("show", job_id)):
        assert loaded_by(*args) == {"dagster", "sqlalchemy"}, args


@pytest.mark.parametrize("module", ["sklearn", "scipy", "piper", "onnxruntime", "alembic", "httpx"])
def test_the_definitions_load_without(module: str) -> None:
    code = f"import shortgen_assets.definitions, sys; assert {module!r} not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_migrated_database_is_opened_without_alembic(installation: Settings) -> None:
    from shortgen_assets.db.session import get_engine

    get_engine(installation.app_database_url)  # migrated here, so the next process finds it at head
    code = (
        "import sys; from shortgen_assets.db.session import get_engine; "
        f"get_engine({installation.app_database_url!r}); "
        "assert 'alembic' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_the_definitions_keep_dagsters_objects_out_of_gc_scans() -> None:
    code = "import gc, shortgen_assets.definitions; assert gc.get_freeze_count() > 50_000"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
