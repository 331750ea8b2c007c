"""Benchmark: how fast the `shortgen` command answers, against Python's and Dagster's own start-up.

Every figure is the median wall time of `--runs` fresh subprocesses (with their CPU time beside it,
which load on a shared host moves less), measured in one run and interleaved round by round, so
load hits each command alike:

- references: `python -c pass`, `python -c "import dagster"` and opening the project's Dagster
  instance and nothing else (`DagsterInstance.get()`: what `jobs` and `show` cannot avoid), plainly
  and as shortgen does it (Dagster imported through `shortgen_assets.defs`, out of GC scans);
- `shortgen --help`, `shortgen jobs --json`, `shortgen show 1`;
- `python -c "import shortgen_assets.definitions"` (what every run worker and code server does).

The commands run against a temporary SHORTGEN_HOME holding one requested job, made (and migrated)
before timing starts. Python writes its bytecode cache into the same folder (PYTHONPYCACHEPREFIX,
even where PYTHONDONTWRITEBYTECODE is set) and every command runs once untimed, so the figures are
those of an installed project, not of compiling its sources on every start.
Targets (issue 11): --help <= 0.3 s; jobs and show <= import dagster + 0.3 s; definitions <=
import dagster + 0.8 s. For jobs and show it also prints the CPU they add over opening the instance
the way they do (GC frozen): what shortgen itself costs.

    .venv/bin/python benchmarks/cli.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SHORTGEN = str(Path(sys.executable).parent / "shortgen")
THEME = PROJECT / "config" / "themes" / "default.yaml"

REFERENCES = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "import dagster": [PYTHON, "-c", "import dagster"],
    "open dagster instance": [
        PYTHON,
        "-c",
        "from dagster import DagsterInstance; DagsterInstance.get().get_runs(limit=1)",
    ],
    # The same as shortgen opens it: Dagster imported through shortgen_assets.defs, which keeps
    # Dagster's objects out of GC scans (see there), and nothing else of shortgen's.
    "open instance, GC frozen": [
        PYTHON,
        "-c",
        "import shortgen_assets.defs, dagster; dagster.DagsterInstance.get().get_runs(limit=1)",
    ],
}
MEASURED = {
    "shortgen --help": [SHORTGEN, "--help"],
    "shortgen jobs --json": [SHORTGEN, "jobs", "--json"],
    "shortgen show 1": [SHORTGEN, "show", "1"],
    "import definitions": [PYTHON, "-c", "import shortgen_assets.definitions"],
}
# name: (reference it is measured against or None for absolute, allowed seconds)
TARGETS = {
    "shortgen --help": (None, 0.3),
    "shortgen jobs --json": ("import dagster", 0.3),
    "shortgen show 1": ("import dagster", 0.3),
    "import definitions": ("import dagster", 0.8),
}

# Commands that cannot avoid opening the instance: what they add on top of it is what shortgen owns.
INSTANCE_READERS = ("shortgen jobs --json", "shortgen show 1")


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHORTGEN_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        PYTHONPYCACHEPREFIX=str(home / "pycache"),
        SHORTGEN_HOME=str(home),
        SHORTGEN_OUTPUT_DIR=str(home / "output"),
        DAGSTER_HOME=str(home / "dagster"),
    )
    return env


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command` (which must succeed)."""
    cpu, begun = _cpu_of_children(), time.perf_counter()
    done = subprocess.run(command, env=env, cwd=PROJECT, capture_output=True, text=True)
    seconds = time.perf_counter() - begun
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    return seconds, _cpu_of_children() - cpu


def measure(runs: int, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds per command; each round runs every command once, in order."""
    commands = {**REFERENCES, **MEASURED}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(_run(command, env))
    return {
        name: (statistics.median(t[0] for t in values), statistics.median(t[1] for t in values))
        for name, values in times.items()
    }


def report(figures: dict[str, tuple[float, float]], runs: int) -> bool:
    load = os.getloadavg()
    print(f"median of {runs} fresh processes; load average {load[0]:.2f} {load[1]:.2f}")
    medians = {name: wall for name, (wall, _) in figures.items()}
    base = medians["python -c pass"]
    for name in REFERENCES:
        print(f"  {name:<24} {medians[name]:6.3f} s  (CPU {figures[name][1]:.3f} s)")
    for opened in ("open dagster instance", "open instance, GC frozen"):
        wall = medians[opened] - medians["import dagster"]
        cpu = figures[opened][1] - figures["import dagster"][1]
        print(f"  ({opened}: {wall:+.3f} s, CPU {cpu:+.3f} s, over import dagster)")
    met = True
    for name, (reference, allowed) in TARGETS.items():
        seconds = medians[name]
        if reference is None:
            limit, against = allowed, f"target <= {allowed:.1f} s"
        else:
            limit = medians[reference] + allowed
            delta = seconds - medians[reference]
            cpu_delta = figures[name][1] - figures[reference][1]
            against = f"{delta:+.3f} s (CPU {cpu_delta:+.3f} s) vs {reference}"
            against += f" (target <= +{allowed:.1f} s)"
            if name in INSTANCE_READERS:
                over = figures[name][1] - figures["open instance, GC frozen"][1]
                against += f"; CPU {over:+.3f} s over opening the instance (GC frozen)"
        ok = seconds <= limit
        met &= ok
        print(
            f"  {name:<24} {seconds:6.3f} s  (CPU {figures[name][1]:.3f} s)  "
            f"{seconds / base:5.1f}x python  {against}  {'ok' if ok else 'MISSED'}"
        )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shortgen-bench-cli-") as folder:
        env = _environment(Path(folder) / "home")
        # One requested job (this creates and migrates the app database; `show` makes DAGSTER_HOME).
        _run([SHORTGEN, "request", "--theme", str(THEME)], env)
        for command in {**MEASURED, **REFERENCES}.values():  # untimed: fills the bytecode cache
            _run(command, env)
        met = report(measure(args.runs, env), args.runs)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
