from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx
from PIL import Image

from shortgen_assets.defs.resources.footage import FootageResource
from shortgen_assets.defs.resources.footage.fal import QUEUE_URL as FAL_QUEUE_URL
from shortgen_assets.defs.resources.footage.fal import FalFootage
from shortgen_assets.defs.resources.footage.pexels import SEARCH_URL as PEXELS_SEARCH_URL
from shortgen_assets.defs.resources.footage.pexels import (
    PexelsFootage,
    choose_file,
    search_query,
)
from shortgen_assets.defs.resources.footage.procedural import ProceduralFootage
from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.domain.media import probe, run_ffmpeg
from shortgen_assets.domain.schemas import Footage, Palette, ProductionPlan, Scene
from shortgen_assets.domain.themes import load_theme
from shortgen_assets_tests.conftest import theme_file

FIXTURES = Path(__file__).parents[2] / "fixtures" / "footage"
W, H, FPS = 180, 320, 15
FAL_MODEL = "fal-ai/kling-video/v2/master/text-to-video"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


SEARCH = fixture("pexels_search.json")
SUBMIT = fixture("fal_submit.json")
RESULT = fixture("fal_result.json")
SD_LINK = SEARCH["videos"][1]["video_files"][0]["link"]  # 360x640: the closest to 180x320


@pytest.fixture(scope="module")
def tiny_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real 1 s 360x640 H.264 file, served as the body of every download."""
    out = tmp_path_factory.mktemp("src") / "tiny.mp4"
    args = ["-f", "lavfi", "-i", "testsrc2=s=360x640:r=25:d=1", "-c:v", "libx264"]
    run_ffmpeg([*args, "-preset", "ultrafast", str(out)], what="making a test download")
    return out.read_bytes()


def make_plan(durations: tuple[float, ...] = (1.0, 1.5)) -> ProductionPlan:
    prompts = ("Steam rising from a coffee cup", "Slow pan across a city skyline at night")
    return ProductionPlan(
        title="Coffee",
        description="A short about coffee.",
        video_prompt="warm cinematic vertical footage",
        duration_target=5,
        scenes=[
            Scene(scene_number=i + 1, duration_seconds=d, visual_prompt=prompts[i % 2])
            for i, d in enumerate(durations)
        ],
        voiceover_sentences=["Coffee, but better."],
        hook_text="Wait for it",
        cta_text="Follow",
        hashtags=["#coffee"],
    )


def render(resource: FootageResource, tmp_path: Path, narration: float = 3.1) -> Footage:
    return resource.render(make_plan(), Palette(), narration, tmp_path / "clips", W, H, FPS)


def assert_clips_cover(footage: Footage, narration: float) -> None:
    for clip in footage.clips:
        info = probe(clip.path)
        assert (info.width, info.height, info.fps) == (W, H, FPS)
        assert (info.video_codec, info.pix_fmt, info.has_audio) == ("h264", "yuv420p", False)
        assert info.duration == pytest.approx(clip.duration_seconds, abs=1.5 / FPS)
    assert narration <= footage.duration_seconds < narration + 1 / FPS
    folder = Path(footage.clips[0].path).parent
    assert sorted(p.name for p in folder.iterdir()) == ["scene_01.mp4", "scene_02.mp4"]


# --- procedural ----------------------------------------------------------------------------


def test_procedural_footage_covers_the_narration_offline(tmp_path: Path) -> None:
    footage = render(ProceduralFootage(), tmp_path, narration=3.1)
    assert_clips_cover(footage, 3.1)
    assert [c.scene_number for c in footage.clips] == [1, 2]
    assert footage.provider == "procedural" and footage.cost_usd == 0
    # Planned 1.0 s + 1.5 s stretched in proportion to the 3.1 s narration.
    assert [c.duration_seconds for c in footage.clips] == [19 / FPS, 28 / FPS]
    usage = ProceduralFootage().usage(footage)
    assert (usage.provider, usage.cost_usd) == ("procedural", 0)
    assert usage.seconds == pytest.approx(47 / FPS, abs=1e-3)


def test_procedural_footage_is_the_plan_length_when_the_narration_is_shorter(
    tmp_path: Path,
) -> None:
    footage = ProceduralFootage(render_workers=1).render(
        make_plan(), Palette(), 1.2, tmp_path, W, H, FPS
    )
    assert footage.duration_seconds == 38 / FPS  # 2.5 s rounded up to a whole frame


# --- pexels --------------------------------------------------------------------------------


def pexels(**overrides: object) -> PexelsFootage:
    return PexelsFootage(api_key="pk-test", retry_base_wait=0, **overrides)


@respx.mock
def test_pexels_downloads_fits_and_records_the_source(tmp_path: Path, tiny_mp4: bytes) -> None:
    search = respx.get(PEXELS_SEARCH_URL).respond(json=SEARCH)
    download = respx.get(url__startswith="https://videos.pexels.com/").respond(content=tiny_mp4)

    footage = render(pexels(), tmp_path)

    assert_clips_cover(footage, 3.1)
    request = search.calls[0].request
    assert request.headers["Authorization"] == "pk-test"
    assert request.url.params["query"] == "steam rising coffee cup"
    assert request.url.params["orientation"] == "portrait"
    assert request.url.params["size"] == "medium"
    # Scene 1 (1.27 s) fits the 2 s video; scene 2 skips the used one for the 14 s video.
    assert [c.source_url for c in footage.clips] == [
        "https://www.pexels.com/video/steaming-coffee-cup-3195394/",
        "https://www.pexels.com/video/pouring-coffee-into-a-cup-4820341/",
    ]
    assert str(download.calls[1].request.url) == SD_LINK
    assert "Authorization" not in download.calls[0].request.headers
    assert footage.provider == "pexels" and footage.cost_usd == 0


def test_choose_file_prefers_the_smallest_portrait_rendition_at_least_the_target() -> None:
    video = SEARCH["videos"][0]
    assert choose_file(video, 1080, 1920, "q").endswith("hd_1080_1920_25fps.mp4")
    assert choose_file(video, 300, 500, "q").endswith("sd_360_640_25fps.mp4")
    assert choose_file(video, 2400, 4000, "q").endswith("uhd_2160_3840_25fps.mp4")


def test_search_query_keeps_the_meaningful_words() -> None:
    assert search_query("A slow close up of the ocean waves at dawn") == "ocean waves dawn"


@respx.mock
def test_pexels_empty_results_name_the_query(tmp_path: Path) -> None:
    respx.get(PEXELS_SEARCH_URL).respond(json=fixture("pexels_empty.json"))
    with pytest.raises(ProviderError, match="no videos found for the query 'steam rising coffee"):
        render(pexels(), tmp_path)


@respx.mock
def test_pexels_bad_key_fails_at_once(tmp_path: Path) -> None:
    route = respx.get(PEXELS_SEARCH_URL).respond(401, json={"error": "Invalid API key"})
    with pytest.raises(ProviderError, match="pexels: HTTP 401"):
        render(pexels(), tmp_path)
    assert route.call_count == 1


@respx.mock
def test_pexels_rate_limit_is_retried(tmp_path: Path, tiny_mp4: bytes) -> None:
    route = respx.get(PEXELS_SEARCH_URL)
    route.side_effect = [
        httpx.Response(429, json={"error": "Rate limit exceeded"}),
        httpx.Response(200, json=SEARCH),
        httpx.Response(200, json=SEARCH),
    ]
    respx.get(url__startswith="https://videos.pexels.com/").respond(content=tiny_mp4)
    assert_clips_cover(render(pexels(), tmp_path), 3.1)
    assert route.call_count == 3


@respx.mock
def test_pexels_server_errors_fail_after_the_retries(tmp_path: Path) -> None:
    route = respx.get(PEXELS_SEARCH_URL).respond(500, text="upstream error")
    with pytest.raises(ProviderError, match="pexels: HTTP 500 after retries"):
        render(pexels(retry_attempts=3), tmp_path)
    assert route.call_count == 3


@respx.mock
def test_pexels_download_timeouts_fail_clearly(tmp_path: Path) -> None:
    respx.get(PEXELS_SEARCH_URL).respond(json=SEARCH)
    download = respx.get(url__startswith="https://videos.pexels.com/")
    download.side_effect = httpx.ReadTimeout("read timed out")
    with pytest.raises(ProviderError, match="pexels: timed out after retries"):
        render(pexels(retry_attempts=2), tmp_path)
    assert download.call_count == 2
    assert not list((tmp_path / "clips").glob("*.mp4")), "partial download left behind"


@respx.mock
def test_pexels_unusable_download_is_a_provider_error(tmp_path: Path) -> None:
    respx.get(PEXELS_SEARCH_URL).respond(json=SEARCH)
    respx.get(url__startswith="https://videos.pexels.com/").respond(content=b"<html>nope</html>")
    with pytest.raises(ProviderError, match="pexels: the downloaded video is unusable"):
        render(pexels(), tmp_path)


@respx.mock
def test_a_vendor_failing_while_kit_scenes_are_drawn_fails_the_render_and_leaves_whole_files(
    tmp_path: Path,
) -> None:
    """Kit scenes are drawn while the vendor works: its error still fails the render, and every
    scene file left behind is a finished clip, never a half-written one."""
    photo = tmp_path / "photo.png"
    Image.new("RGB", (400, 300), (200, 60, 40)).save(photo)
    brand = {"media": [{"path": str(photo), "kind": "image", "about": "the product"}]}
    theme = load_theme(theme_file(tmp_path, "kit", brand=brand))
    shot = {"kind": "product_shot", "media_index": 0}
    plan = make_plan((1.0, 1.0, 1.0))
    scenes = [s.model_copy(update=shot) if s.scene_number != 2 else s for s in plan.scenes]
    plan = plan.model_copy(update={"scenes": scenes})
    respx.get(PEXELS_SEARCH_URL).respond(401, json={"error": "Invalid API key"})
    clips = tmp_path / "clips"
    with pytest.raises(ProviderError, match="pexels: HTTP 401"):
        pexels().render(plan, Palette(), 3.0, clips, W, H, FPS, theme=theme)
    left = sorted(p.name for p in clips.iterdir())
    assert set(left) <= {"scene_01.mp4", "scene_03.mp4"}, left
    for name in left:
        assert probe(clips / name).duration == pytest.approx(1.0, abs=1.5 / FPS)


def test_empty_key_is_a_provider_error(tmp_path: Path) -> None:
    with respx.mock() as router:
        with pytest.raises(ProviderError, match="pexels: no API key; set PEXELS_API_KEY"):
            render(PexelsFootage(api_key=""), tmp_path)
        with pytest.raises(ProviderError, match="fal: no API key; set FAL_KEY"):
            render(FalFootage(api_key=""), tmp_path)
    assert not router.calls


# --- fal -----------------------------------------------------------------------------------


def fal(**overrides: object) -> FalFootage:
    settings = {"api_key": "fk-test", "retry_base_wait": 0, "poll_interval_seconds": 0}
    return FalFootage(**(settings | overrides))


def status(state: str) -> httpx.Response:
    body = fixture("fal_status_completed.json") | {"status": state}
    return httpx.Response(200, json=body)


@respx.mock
def test_fal_queues_polls_and_downloads_each_scene(tmp_path: Path, tiny_mp4: bytes) -> None:
    submit = respx.post(f"{FAL_QUEUE_URL}/{FAL_MODEL}").respond(json=SUBMIT)
    polls = respx.get(SUBMIT["status_url"])
    # Scene 1 waits in the queue, then runs; scene 2 is done by the time it is polled.
    polls.side_effect = [status(s) for s in ("IN_QUEUE", "IN_PROGRESS", "COMPLETED", "COMPLETED")]
    respx.get(SUBMIT["response_url"]).respond(json=RESULT)
    respx.get(RESULT["video"]["url"]).respond(content=tiny_mp4)

    footage = render(fal(), tmp_path)

    assert_clips_cover(footage, 3.1)
    body = json.loads(submit.calls[0].request.content)
    assert body["prompt"].startswith("Steam rising from a coffee cup")
    assert (body["duration"], body["aspect_ratio"]) == ("5", "9:16")
    assert submit.calls[0].request.headers["Authorization"] == "Key fk-test"
    assert polls.call_count == 4
    assert footage.cost_usd == pytest.approx(2 * 5 * 0.28)
    assert [c.source_url for c in footage.clips] == [RESULT["video"]["url"]] * 2
    assert fal().usage(footage).model == FAL_MODEL


@respx.mock
def test_fal_failed_request_is_a_provider_error(tmp_path: Path) -> None:
    respx.post(f"{FAL_QUEUE_URL}/{FAL_MODEL}").respond(json=SUBMIT)
    respx.get(SUBMIT["status_url"]).mock(return_value=status("FAILED"))
    with pytest.raises(ProviderError, match=r"fal: request 764cabcf.* ended FAILED"):
        render(fal(), tmp_path)


@respx.mock
def test_fal_gives_up_after_the_poll_budget(tmp_path: Path) -> None:
    respx.post(f"{FAL_QUEUE_URL}/{FAL_MODEL}").respond(json=SUBMIT)
    polls = respx.get(SUBMIT["status_url"]).mock(return_value=status("IN_PROGRESS"))
    with pytest.raises(ProviderError, match="not completed after 3 polls"):
        render(fal(max_polls=3), tmp_path)
    assert polls.call_count == 3


@respx.mock
def test_fal_submit_timeouts_fail_clearly(tmp_path: Path) -> None:
    submit = respx.post(f"{FAL_QUEUE_URL}/{FAL_MODEL}")
    submit.side_effect = httpx.ConnectTimeout("connect timed out")
    with pytest.raises(ProviderError, match="fal: timed out after retries"):
        render(fal(retry_attempts=2), tmp_path)
    assert submit.call_count == 2


@respx.mock
def test_fal_server_errors_on_the_result_fail_after_retries(tmp_path: Path) -> None:
    respx.post(f"{FAL_QUEUE_URL}/{FAL_MODEL}").respond(json=SUBMIT)
    respx.get(SUBMIT["status_url"]).mock(return_value=status("COMPLETED"))
    result = respx.get(SUBMIT["response_url"]).respond(503, text="unavailable")
    with pytest.raises(ProviderError, match="fal: HTTP 503 after retries"):
        render(fal(retry_attempts=2), tmp_path)
    assert result.call_count == 2


@respx.mock
def test_fal_unqueued_request_is_a_provider_error(tmp_path: Path) -> None:
    respx.post(f"{FAL_QUEUE_URL}/{FAL_MODEL}").respond(json={"detail": "model not found"})
    with pytest.raises(ProviderError, match="did not queue the request"):
        render(fal(), tmp_path)
