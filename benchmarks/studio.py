"""Studio benchmark: the queue page with 200 jobs, and streaming a large video from the server.

1. Queue page: a fresh SQLite installation gets 200 jobs, each with the trend report, script and
   video rows a rendered job has. The app handles `GET /` (all 200 jobs) and, as the reference
   in the same run, `GET /?status=published` (an empty queue: the same template, layout and
   middleware with no rows). Server time is measured inside the app (a timing middleware
   around the handler), alternating the two pages; the median of `--requests` each is reported.
   Target: the 200-job page under 300 ms.
2. Streaming: `shortgen serve` runs as a child process; one job's video row points at a file of
   `--video-mb` MB. The script downloads it whole and with a range request while sampling the
   server's resident memory from /proc, and reports the peak growth against the file's size.
   Target: growth far below the file size (the file is never loaded into memory).

    .venv/bin/python benchmarks/studio.py
    .venv/bin/python benchmarks/studio.py --requests 50 --video-mb 512
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

PROJECT = Path(__file__).resolve().parents[1]
TARGET_MS = 300.0


def _environment(home: Path) -> None:
    os.environ["SHORTGEN_HOME"] = str(home)
    os.environ["SHORTGEN_OUTPUT_DIR"] = str(home / "output")
    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    os.environ.pop("SHORTGEN_DATABASE_URL", None)


def seed_jobs(count: int, video_path: Path) -> None:
    """`count` jobs with the rows a rendered job has (report, script, video)."""
    from shortgen_assets.db.models import Job, Script, TrendReportRow, Video
    from shortgen_assets.db.session import session_scope
    from shortgen_assets.domain.themes import load_theme
    from shortgen_assets.settings import get_settings

    settings = get_settings()
    theme = load_theme(PROJECT / "config" / "themes" / "default.yaml").model_dump(mode="json")
    statuses = ("awaiting_review", "approved", "failed", "queued")
    with session_scope(settings.app_database_url) as session:
        for index in range(count):
            job = Job(
                status=statuses[index % len(statuses)],
                theme_name=theme["name"],
                theme=theme,
                source="bench",
                error="voiceover: espeak failed" if index % 4 == 2 else None,
            )
            session.add(job)
            session.flush()
            report = TrendReportRow(
                job_id=job.id, analysed_count=20, report={}, analyzer="bench", model="-", run_id="b"
            )
            session.add(report)
            session.flush()
            script = Script(
                job_id=job.id,
                trend_report_id=report.id,
                title="Bench",
                description="-",
                video_prompt="-",
                duration_target=30,
                aspect_ratio="9:16",
                scenes=[],
                voiceover_sentences=[],
                voiceover_script="-",
                hook_text="-",
                cta_text="-",
                text_overlays=[],
                hashtags=[],
                theme=theme,
                provider="bench",
                model="-",
                run_id="b",
            )
            session.add(script)
            session.flush()
            session.add(
                Video(
                    job_id=job.id,
                    script_id=script.id,
                    status="generated",
                    path=str(video_path),
                    thumbnail_path=str(video_path.with_suffix(".jpg")),
                    duration_seconds=29.7,
                    width=1080,
                    height=1920,
                    size_bytes=video_path.stat().st_size,
                    cost_total=0.0123,
                    run_id="b",
                )
            )


def measure_queue(requests: int) -> tuple[float, float]:
    """Median server milliseconds of the 200-job page and of the empty reference page."""
    from fastapi.testclient import TestClient

    from shortgen_assets.settings import get_settings
    from shortgen_assets.studio.app import create_app

    app = create_app(get_settings())
    spent: list[float] = []

    @app.middleware("http")
    async def timed(request, call_next):  # type: ignore[no-untyped-def]
        begun = time.perf_counter()
        response = await call_next(request)
        spent.append((time.perf_counter() - begun) * 1000)
        return response

    full, empty = [], []
    with TestClient(app) as client:
        for _ in range(3):  # warm up: template compilation, connection pool
            client.get("/")
            client.get("/?status=published")
        for _ in range(requests):
            for page, into in (("/", full), ("/?status=published", empty)):
                reply = client.get(page)
                assert reply.status_code == 200, reply.text
                into.append(spent[-1])
        assert reply.text.count("<tr data-job=") == 0
        assert client.get("/").text.count("<tr data-job=") == 200
    return statistics.median(full), statistics.median(empty)


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def measure_streaming(video: Path, port: int) -> dict[str, float]:
    """Serve the video from `shortgen serve` and sample the server's RSS while downloading it."""
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "shortgen"), "serve", "--port", str(port)],
        cwd=PROJECT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/api/jobs/1", timeout=5).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("shortgen serve did not come up") from None
                time.sleep(0.3)
        baseline = _rss_kb(server.pid)
        peak = baseline
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _rss_kb(server.pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        begun = time.perf_counter()
        received = 0
        with httpx.stream("GET", f"{url}/api/jobs/1/video", timeout=120) as reply:
            for chunk in reply.iter_bytes(1 << 20):
                received += len(chunk)
        seconds = time.perf_counter() - begun
        half = video.stat().st_size // 2
        ranged = httpx.get(
            f"{url}/api/jobs/1/video", headers={"Range": f"bytes={half}-{half + 999}"}, timeout=30
        )
        done.set()
        sampler.join()
        assert received == video.stat().st_size
        assert ranged.status_code == 206 and len(ranged.content) == 1000
        return {
            "size_mb": video.stat().st_size / 2**20,
            "baseline_mb": baseline / 1024,
            "growth_mb": (peak - baseline) / 1024,
            "throughput_mb_s": received / 2**20 / seconds,
        }
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--video-mb", type=int, default=256, help="size of the streamed file")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shortgen-bench-studio-") as work:
        home = Path(work) / "home"
        _environment(home)
        video = Path(work) / "big.mp4"
        with video.open("wb") as out:
            block = os.urandom(1 << 20)
            for _ in range(args.video_mb):
                out.write(block)
        video.with_suffix(".jpg").write_bytes(b"\xff\xd8\xff\xd9")
        seed_jobs(args.jobs, video)
        full, empty = measure_queue(args.requests)
        verdict = "OK" if full < TARGET_MS else "OVER TARGET"
        print(
            f"queue page, {args.jobs} jobs: median {full:.1f} ms server time ({verdict}, target"
            f" < {TARGET_MS:.0f} ms); empty queue {empty:.1f} ms; ratio {full / empty:.2f}x"
        )
        stream = measure_streaming(video, args.port)
        print(
            f"streaming a {stream['size_mb']:.0f} MB video: server RSS {stream['baseline_mb']:.0f}"
            f" MB, peak growth {stream['growth_mb']:.1f} MB"
            f" ({stream['growth_mb'] / stream['size_mb']:.1%} of the file),"
            f" {stream['throughput_mb_s']:.0f} MB/s"
        )


if __name__ == "__main__":
    main()
