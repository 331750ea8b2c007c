"""Backfill throughput through the real daemon: jobs per hour and Dagster's overhead per job.

Requests N jobs (offline providers) in a fresh installation, starts `dagster-daemon run`, and
lets the `job_requests` sensor and the run queue work through them, exactly as a user's backlog
would be. From each run's event records it then reports:

- queue:    RUN_ENQUEUED -> RUN_STARTING (waiting for a free slot under max_concurrent_runs)
- launch:   RUN_STARTING -> RUN_START (a fresh run-worker process imports and loads the code)
- wall:     RUN_START -> RUN_SUCCESS
- compute:  the sum of the step durations (`instance.get_run_step_stats`), the assets' own work
- overhead: wall - compute, Dagster's bookkeeping per run (target <= 3 s), compared between the
            first and the last job, so a cost that grows with the instance's history shows up.

    python benchmarks/backfill.py                      # 20 jobs of 10 s at 1080x1920, SQLite
    python benchmarks/backfill.py --small              # 270x480
    python benchmarks/backfill.py --postgres postgresql+psycopg2://postgres@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from sqlalchemy import create_engine, select, text

from shortgen_assets.db.models import Job, Video
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.jobs import pipeline_job
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import get_settings, prepare_dagster_home
from shortgen_assets_tests.ops.daemon import (
    PROJECT,
    DagsterServices,
    lock_errors,
    queued_instance_config,
)

TARGET_OVERHEAD_SECONDS = 3.0
TERMINAL = {"awaiting_review", "failed"}
STATUS_GRACE_SECONDS = 90.0  # run-status sensors tick every 30 s, 5 runs per tick


@dataclass(frozen=True)
class RunTiming:
    job_id: int
    status: str
    queue: float
    launch: float
    wall: float
    compute: float

    @property
    def overhead(self) -> float:
        return self.wall - self.compute


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10, help="video duration")
    parser.add_argument("--small", action="store_true", help="270x480 instead of 1080x1920")
    parser.add_argument("--max-concurrent-runs", type=int, default=2)
    parser.add_argument("--postgres", metavar="SERVER_URL", help="fresh databases on this server")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds for the whole batch")
    parser.add_argument("--keep", action="store_true", help="keep the installation and databases")
    return parser.parse_args()


class PostgresDatabases:
    """Two fresh databases (Dagster's and the app's) on a server, dropped afterwards."""

    def __init__(self, server: str) -> None:
        self.server = server.rstrip("/")
        self.admin = create_engine(f"{self.server}/postgres", isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def make(self, label: str) -> str:
        name = f"shortgen_bench_{label}_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return f"{self.server}/{name}"

    def drop(self) -> None:
        with self.admin.connect() as connection:
            for name in self.names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def install(root: Path, args: argparse.Namespace, databases: PostgresDatabases | None) -> Path:
    """Point the settings at a fresh installation under `root`; return DAGSTER_HOME."""
    os.environ.update(
        SHORTGEN_HOME=str(root / "home"),
        SHORTGEN_OUTPUT_DIR=str(root / "output"),
        DAGSTER_HOME=str(root / "home" / "dagster"),
        SHORTGEN_MAX_CONCURRENT_RUNS=str(args.max_concurrent_runs),
        SHORTGEN_VIDEO_WIDTH="270" if args.small else "1080",
        SHORTGEN_VIDEO_HEIGHT="480" if args.small else "1920",
    )
    os.environ.pop("SHORTGEN_DATABASE_URL", None)
    if databases is not None:
        os.environ["SHORTGEN_DATABASE_URL"] = databases.make("app")
        home = root / "home" / "dagster"
        home.mkdir(parents=True)
        storage = {"postgres": {"postgres_url": databases.make("dagster")}}
        config = queued_instance_config(storage, args.max_concurrent_runs)
        (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    get_settings.cache_clear()
    return prepare_dagster_home(get_settings())  # SQLite: the project's default instance


def request(root: Path, count: int, seconds: int) -> list[int]:
    themes = PROJECT / "config" / "themes"
    data = yaml.safe_load((themes / "default.yaml").read_text())
    data["duration_seconds"] = seconds
    kit = data["brand"]  # the theme is written elsewhere: point at the default kit absolutely
    kit["logo"] = str(themes / kit["logo"])
    for item in kit["media"]:
        item["path"] = str(themes / item["path"])
    theme_path = root / "theme.yaml"
    theme_path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with session_scope(get_settings().app_database_url) as session:
        return request_jobs(session, load_theme(theme_path), theme_path, count, source="bench")


def job_statuses(ids: list[int]) -> dict[int, str]:
    with session_scope(get_settings().app_database_url) as session:
        rows = session.execute(select(Job.id, Job.status).where(Job.id.in_(ids))).all()
    return dict(rows)


def settle_statuses(ids: list[int], grace: float) -> dict[int, str]:
    """Job statuses once all are terminal, or as they are after `grace` seconds."""
    deadline = time.monotonic() + grace
    while True:
        statuses = job_statuses(ids)
        if all(s in TERMINAL for s in statuses.values()) or time.monotonic() > deadline:
            return statuses
        time.sleep(2)


def run_timings(instance: DagsterInstance) -> list[RunTiming]:
    timings = []
    for run in instance.get_runs(RunsFilter(job_name=pipeline_job.name)):
        stats = instance.get_run_stats(run.run_id)
        steps = instance.get_run_step_stats(run.run_id)
        compute = sum((s.end_time or 0) - (s.start_time or 0) for s in steps)
        start, end = stats.start_time or 0, stats.end_time or 0
        launch = stats.launch_time or start
        timings.append(
            RunTiming(
                job_id=int(run.tags["dagster/partition"]),
                status=run.status.value,
                queue=launch - (stats.enqueued_time or launch),
                launch=start - launch,
                wall=end - start,
                compute=compute,
            )
        )
    return sorted(timings, key=lambda timing: timing.job_id)


def first_enqueue_and_last_end(instance: DagsterInstance) -> tuple[float, float]:
    records = instance.get_run_records(RunsFilter(job_name=pipeline_job.name))
    stats = [instance.get_run_stats(record.dagster_run.run_id) for record in records]
    first = min(s.enqueued_time or s.launch_time or s.start_time or 0 for s in stats)
    return first, max(s.end_time or 0 for s in stats)


def report(args: argparse.Namespace, timings: list[RunTiming], window: float) -> bool:
    size = "270x480" if args.small else "1080x1920"
    print(
        f"\n{len(timings)} jobs of {args.seconds} s at {size}, offline providers, "
        f"max_concurrent_runs={args.max_concurrent_runs}, "
        f"{'postgres' if args.postgres else 'sqlite'} storage, {os.cpu_count()} CPUs"
    )
    print(
        f"{'job':>4} {'status':<8} {'queue':>7} {'launch':>7} {'wall':>7} {'compute':>8} {'ovh':>6}"
    )
    for t in timings:
        print(
            f"{t.job_id:>4} {t.status:<8} {t.queue:7.1f} {t.launch:7.1f} {t.wall:7.1f} "
            f"{t.compute:8.1f} {t.overhead:6.2f}"
        )
    overheads = [t.overhead for t in timings]
    launches = [t.launch for t in timings]
    first, last = timings[0], timings[-1]
    print(
        f"\njobs per hour (first enqueue -> last run end, {window:.0f} s): "
        f"{len(timings) * 3600 / window:.0f}"
    )
    print(
        f"overhead per job (wall - compute): median {statistics.median(overheads):.2f} s, "
        f"max {max(overheads):.2f} s (target <= {TARGET_OVERHEAD_SECONDS:.0f} s)"
    )
    print(
        f"launch per job (run worker start): median {statistics.median(launches):.1f} s, "
        f"max {max(launches):.1f} s"
    )
    print(
        f"job {first.job_id} overhead {first.overhead:.2f} s, "
        f"job {last.job_id} overhead {last.overhead:.2f} s"
    )
    ok = (
        all(t.status == DagsterRunStatus.SUCCESS.value for t in timings)
        and statistics.median(overheads) <= TARGET_OVERHEAD_SECONDS
        and last.overhead <= max(first.overhead * 1.5, first.overhead + 1.0)
    )
    print("verdict:", "meets the target" if ok else "MISSES the target")
    return ok


def _exit_on_sigterm(*_: object) -> None:
    raise SystemExit(143)  # so the daemon and the temporary installation are cleaned up


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    args = parse_args()
    root = Path(tempfile.mkdtemp(prefix="shortgen-backfill-"))
    databases = PostgresDatabases(args.postgres) if args.postgres else None
    try:
        dagster_home = install(root, args, databases)
        ids = request(root, args.jobs, args.seconds)
        print(f"installation {root}; requested jobs {ids[0]}-{ids[-1]}", file=sys.stderr)
        with DagsterServices(dagster_home, log_dir=root / "logs") as services:
            services.wait_for_runs([str(job_id) for job_id in ids], args.timeout)
            statuses = settle_statuses(ids, STATUS_GRACE_SECONDS)
        with DagsterInstance.get() as instance:
            timings = run_timings(instance)
            first, last = first_enqueue_and_last_end(instance)
        with session_scope(get_settings().app_database_url) as session:
            videos = set(session.scalars(select(Video.job_id).where(Video.job_id.in_(ids))))
        ok = report(args, timings, last - first)
        stuck = {job_id: s for job_id, s in statuses.items() if s != "awaiting_review"}
        print(f"video rows: {len(videos)}/{len(ids)}")
        print(
            f"job rows not awaiting_review {STATUS_GRACE_SECONDS:.0f} s after the last run: "
            f"{stuck or 'none'}"
        )
        print(f"lock errors in logs: {len(lock_errors(services.log_text()))}")
        return 0 if ok and len(videos) == len(ids) else 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
            if databases is not None:
                databases.drop()


if __name__ == "__main__":
    sys.exit(main())
