"""TTS vendors: real espeak speech, and the OpenAI / ElevenLabs clients against recorded HTTP.

The OpenAI mock answers like /v1/audio/speech does: a 24 kHz WAV whose header carries streaming
placeholder sizes, here made of real espeak speech at the requested speed. The ElevenLabs body in
fixtures/tts/ is a /with-timestamps response (mp3 with LAME header, base64) for the text
"Meet the Aurora lamp. It wakes you gently, like a sunrise." whose character alignment follows the
speech in the mp3.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import wave
from pathlib import Path

import httpx
import imageio_ffmpeg
import pytest
import respx

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.tts import TTSResource
from shortgen_assets.defs.resources.tts.elevenlabs import ElevenLabsTTS
from shortgen_assets.defs.resources.tts.espeak import EspeakTTS
from shortgen_assets.defs.resources.tts.openai import OpenAITTS
from shortgen_assets.domain.audio import espeak
from shortgen_assets.domain.audio.wav import measure_level, read_wav
from shortgen_assets.domain.schemas import Narration, Voice

FIXTURES = Path(__file__).parents[2] / "fixtures" / "tts"
OPENAI_URL = "https://api.openai.com/v1/audio/speech"
ELEVENLABS_VOICE = "21m00Tcm4TlvDq8ikWAM"
ELEVENLABS_URL = f"https://api.elevenlabs.io/v1/text-to-speech/{ELEVENLABS_VOICE}/with-timestamps"
SCRIPT = [
    "Meet the new Aurora lamp.",
    "It wakes you up gently, like a sunrise in your bedroom.",
    "Follow for more!",
]
EL_SCRIPT = ["Meet the Aurora lamp.", "It wakes you gently, like a sunrise."]


def assert_consistent(narration: Narration, sentences: list[str]) -> None:
    """Timings a caption renderer can trust: ordered, nested, spanning the written audio."""
    samples, rate = read_wav(Path(narration.audio_path))
    assert rate == narration.sample_rate
    assert abs(samples.size * 1000 / rate - narration.duration_ms) <= 1
    assert [s.text for s in narration.sentences] == sentences
    starts = [w.start_ms for w in narration.words]
    assert all(a < b for a, b in itertools.pairwise(starts))
    for sentence in narration.sentences:
        assert " ".join(w.text for w in sentence.words) == sentence.text
        for word in sentence.words:
            assert sentence.start_ms <= word.start_ms < word.end_ms <= sentence.end_ms
    for before, after in itertools.pairwise(narration.sentences):
        assert before.end_ms <= after.start_ms
    assert narration.words[0].start_ms < 150
    assert narration.duration_ms - 300 < narration.words[-1].end_ms <= narration.duration_ms


# --- espeak ------------------------------------------------------------------------------------


def test_espeak_narration_is_real_speech_with_exact_timings(tmp_path: Path) -> None:
    out = tmp_path / "voiceover.wav"
    narration = EspeakTTS().synthesize(SCRIPT, Voice(), out, target_seconds=12)

    assert narration.audio_path == str(out)
    assert (narration.provider, narration.voice, narration.cost_usd) == ("espeak", "en-us", 0.0)
    assert narration.characters == sum(len(s) for s in SCRIPT)
    assert narration.sample_rate == 22050
    assert 4000 < narration.duration_ms < 9000
    with wave.open(str(out), "rb") as header:
        assert (header.getnchannels(), header.getsampwidth()) == (1, 2)
    assert measure_level(read_wav(out)[0]).rms_dbfs > -30
    assert_consistent(narration, SCRIPT)
    assert [w.text for w in narration.sentences[1].words][4] == "gently,"
    assert 100 < narration.words_per_minute < 220
    assert not [p for p in tmp_path.iterdir() if p.name != "voiceover.wav"]


def test_espeak_says_prices_units_and_24_7_as_words_under_the_tokens_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = "It costs $1,499, rides 80 km and guards it 24/7."
    written = "It costs 1,499 dollars, rides 80 kilometres and guards it twenty-four seven."
    heard: list[str] = []

    def speak(text: str, *args: object) -> espeak.Speech:  # the real espeak-ng, overheard
        heard.append(text)
        return real_speak(text, *args)

    real_speak = espeak.speak
    monkeypatch.setattr(espeak, "speak", speak)
    take = EspeakTTS().render([shown], Voice(), speed=1.0)

    assert heard == [written]
    words = take.sentences[0].words
    assert [w.text for w in words] == shown.split()
    assert all(w.end_ms - w.start_ms > 100 for w in words)
    spans = {w.text: w.end_ms - w.start_ms for w in words}
    assert spans["$1,499,"] > 2000 and spans["24/7."] > 800  # several spoken words each


def test_usage_reports_model_characters_seconds_and_cost(tmp_path: Path) -> None:
    tts = EspeakTTS()
    narration = tts.synthesize(["Hello there."], Voice(), tmp_path / "v.wav", 5)

    usage = tts.usage(narration)

    assert (usage.provider, usage.model, usage.characters) == ("espeak", "espeak-ng", 12)
    assert usage.seconds == narration.duration_ms / 1000 and usage.cost_usd == 0.0
    assert openai_tts(model="tts-1-hd").tts_model == "tts-1-hd"


def test_overrunning_narration_is_retaken_faster_to_fit(tmp_path: Path) -> None:
    long_script = [
        "Our lamp fills the room with warm light that slowly brightens before your alarm rings.",
        "Sleep scientists say gradual light helps your body wake up calmer and more alert.",
        "Set it once from your phone and forget about harsh buzzers forever.",
    ]
    tts = EspeakTTS()
    relaxed = tts.synthesize(long_script, Voice(), tmp_path / "relaxed.wav", target_seconds=60)
    target = relaxed.duration_ms / 1000 / 2

    fitted = tts.synthesize(long_script, Voice(), tmp_path / "fitted.wav", target_seconds=target)

    assert fitted.duration_ms <= target * 1000 * 1.15
    assert fitted.words_per_minute > relaxed.words_per_minute * 1.5
    assert_consistent(fitted, long_script)


def test_silent_narration_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match=r"espeak: the narration is silent \(RMS -120"):
        EspeakTTS().synthesize(["...", "—"], Voice(), tmp_path / "v.wav", target_seconds=5)
    assert not (tmp_path / "v.wav").exists()


def test_blank_script_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="every voiceover sentence is blank"):
        EspeakTTS().synthesize(["", "  "], Voice(), tmp_path / "v.wav", target_seconds=5)


@pytest.mark.parametrize(
    ("language", "sentences"),
    [
        ("fr", ["Voici la lampe Aurora.", "Elle vous réveille en douceur, comme le soleil."]),
        ("es", ["Conoce la lámpara Aurora.", "Te despierta con suavidad, como el amanecer."]),
        ("de", ["Das ist die Aurora Lampe.", "Sie weckt dich sanft, wie die Morgensonne."]),
    ],
)
def test_non_english_voices_speak_with_timings(
    tmp_path: Path, language: str, sentences: list[str]
) -> None:
    narration = EspeakTTS().synthesize(
        sentences, Voice(name=language), tmp_path / "v.wav", target_seconds=10
    )

    assert narration.voice == language
    assert measure_level(read_wav(Path(narration.audio_path))[0]).rms_dbfs > -30
    assert_consistent(narration, sentences)


def test_unknown_espeak_voice_fails_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="espeak: espeak-ng has no voice 'xx-nowhere'"):
        EspeakTTS().synthesize(["Hello."], Voice(name="xx-nowhere"), tmp_path / "v.wav", 5)


# --- OpenAI ------------------------------------------------------------------------------------


def openai_wav(text: str, speed: float = 1.0) -> bytes:
    """What /v1/audio/speech returns for response_format=wav: 24 kHz mono, streamed header."""
    speech = espeak.speak(text, "en-us", round(170 * speed), 50)
    return subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "s16le",
            "-ar",
            str(speech.sample_rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-ar",
            "24000",
            "-f",
            "wav",
            "pipe:1",
        ],
        input=speech.samples.tobytes(),
        capture_output=True,
        check=True,
    ).stdout


def openai_speech(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    audio = openai_wav(body["input"], body["speed"])
    return httpx.Response(200, content=audio, headers={"content-type": "audio/wav"})


def openai_tts(**overrides: object) -> OpenAITTS:
    return OpenAITTS(api_key="sk-test", retry_attempts=3, retry_base_wait=0, **overrides)


def test_openai_narration_has_exact_sentence_boundaries_and_cost(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.post(OPENAI_URL).mock(side_effect=openai_speech)
        narration = openai_tts().synthesize(
            SCRIPT, Voice(openai_voice="nova"), tmp_path / "v.wav", target_seconds=12
        )

    assert route.call_count == len(SCRIPT)
    first = route.calls[0].request
    assert first.headers["authorization"] == "Bearer sk-test"
    assert json.loads(first.content) == {
        "model": "tts-1",
        "voice": "nova",
        "input": SCRIPT[0],
        "response_format": "wav",
        "speed": 1.0,
    }
    assert (narration.provider, narration.voice, narration.sample_rate) == ("openai", "nova", 24000)
    characters = sum(len(s) for s in SCRIPT)
    assert narration.characters == characters
    assert narration.cost_usd == pytest.approx(characters * 15 / 1_000_000)
    assert_consistent(narration, SCRIPT)


def test_openai_overrun_is_retaken_with_a_higher_speed(tmp_path: Path) -> None:
    with respx.mock() as router:
        route = router.post(OPENAI_URL).mock(side_effect=openai_speech)
        narration = openai_tts().synthesize(SCRIPT, Voice(), tmp_path / "v.wav", target_seconds=3)

    speeds = [json.loads(call.request.content)["speed"] for call in route.calls]
    assert speeds[0] == 1.0 and speeds[-1] > 1.5
    assert narration.duration_ms <= 3000 * 1.15
    takes = len(speeds) // len(SCRIPT)
    assert narration.characters == takes * sum(len(s) for s in SCRIPT)


# --- ElevenLabs --------------------------------------------------------------------------------


def elevenlabs_tts() -> ElevenLabsTTS:
    return ElevenLabsTTS(api_key="xi-test", retry_attempts=3, retry_base_wait=0)


def elevenlabs_ok() -> httpx.Response:
    return httpx.Response(
        200, json=json.loads((FIXTURES / "elevenlabs_with_timestamps.json").read_text())
    )


def test_elevenlabs_word_timings_come_from_the_character_alignment(tmp_path: Path) -> None:
    with respx.mock() as router:
        route = router.post(ELEVENLABS_URL).mock(return_value=elevenlabs_ok())
        narration = elevenlabs_tts().synthesize(EL_SCRIPT, Voice(), tmp_path / "v.wav", 10)

    request = route.calls.last.request
    assert request.headers["xi-api-key"] == "xi-test"
    assert request.url.params["output_format"] == "mp3_44100_128"
    assert json.loads(request.content) == {
        "text": " ".join(EL_SCRIPT),
        "model_id": "eleven_multilingual_v2",
    }
    assert (narration.provider, narration.sample_rate) == ("elevenlabs", 44100)
    assert narration.voice == ELEVENLABS_VOICE
    starts = {w.text: w.start_ms for w in narration.words}
    assert (starts["Aurora"], starts["It"], starts["sunrise."]) == (362, 1480, 3085)
    assert narration.sentences[1].start_ms == 1480
    assert narration.cost_usd == pytest.approx(len(" ".join(EL_SCRIPT)) * 100 / 1_000_000)
    assert_consistent(narration, EL_SCRIPT)


# --- failures, both API providers --------------------------------------------------------------

API_CASES = {
    "openai": (OPENAI_URL, openai_tts, lambda: openai_speech),
    "elevenlabs": (ELEVENLABS_URL, elevenlabs_tts, lambda: lambda _request: elevenlabs_ok()),
}


@pytest.fixture(params=sorted(API_CASES))
def api(request: pytest.FixtureRequest) -> tuple[str, str, TTSResource, object]:
    url, make, success = API_CASES[request.param]
    return request.param, url, make(), success()


def test_rejected_key_fails_at_once_with_the_fix(api, tmp_path: Path) -> None:
    provider, url, tts, _ = api
    with respx.mock() as router:
        route = router.post(url).mock(
            return_value=httpx.Response(401, json={"detail": {"status": "invalid_api_key"}})
        )
        with pytest.raises(ProviderError, match=rf"{provider}: HTTP 401, the API key was rejected"):
            tts.synthesize(EL_SCRIPT, Voice(), tmp_path / "v.wav", 10)
    assert route.call_count == 1
    assert not (tmp_path / "v.wav").exists()


def test_rate_limit_is_retried_then_succeeds(api, tmp_path: Path) -> None:
    _, url, tts, success = api
    with respx.mock() as router:
        limited = iter([httpx.Response(429, json={"error": {"message": "Rate limit reached"}})])
        route = router.post(url).mock(side_effect=lambda req: next(limited, None) or success(req))
        narration = tts.synthesize(EL_SCRIPT, Voice(), tmp_path / "v.wav", 10)

    assert route.calls[0].response.status_code == 429
    assert_consistent(narration, EL_SCRIPT)


def test_server_errors_fail_after_the_configured_retries(api, tmp_path: Path) -> None:
    provider, url, tts, _ = api
    with respx.mock() as router:
        route = router.post(url).mock(return_value=httpx.Response(500, text="upstream exploded"))
        with pytest.raises(ProviderError, match=rf"{provider}: HTTP 500 after retries"):
            tts.synthesize(EL_SCRIPT, Voice(), tmp_path / "v.wav", 10)
    assert route.call_count == 3


def test_timeouts_fail_after_the_configured_retries(api, tmp_path: Path) -> None:
    provider, url, tts, _ = api
    with respx.mock() as router:
        route = router.post(url).mock(side_effect=httpx.ReadTimeout("read timed out"))
        with pytest.raises(ProviderError, match=rf"{provider}: timed out after retries"):
            tts.synthesize(EL_SCRIPT, Voice(), tmp_path / "v.wav", 10)
    assert route.call_count == 3


@pytest.mark.parametrize(
    ("vendor", "env"), [(OpenAITTS, "OPENAI_API_KEY"), (ElevenLabsTTS, "ELEVENLABS_API_KEY")]
)
def test_empty_key_fails_before_any_request(
    vendor: type[TTSResource], env: str, tmp_path: Path
) -> None:
    with respx.mock() as router, pytest.raises(ProviderError, match=f"no API key; set {env}"):
        vendor(api_key="").synthesize(EL_SCRIPT, Voice(), tmp_path / "v.wav", 10)
    assert not router.calls
