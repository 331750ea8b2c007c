from concurrent.futures import ThreadPoolExecutor

import pytest

from shortgen_assets.domain.audio import espeak
from shortgen_assets.domain.audio.wav import measure_level


def test_speaks_real_audio_with_word_events_in_order() -> None:
    text = "Meet the new Aurora lamp, it wakes you gently."
    speech = espeak.speak(text, "en-us", 160, 50)

    assert speech.sample_rate == 22050
    assert 1500 < speech.duration_ms < 5000
    assert measure_level(speech.samples).rms_dbfs > -35
    spoken = [text[w.start : w.end] for w in speech.words]
    assert spoken == ["Meet", "the", "new", "Aurora", "lamp", "it", "wakes", "you", "gently"]
    positions = [w.audio_ms for w in speech.words]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert positions[-1] < speech.duration_ms


def test_word_positions_count_characters_not_bytes() -> None:
    text = "Voilà à côté, ça marche très bien."
    speech = espeak.speak(text, "fr")

    spoken = [text[w.start : w.end] for w in speech.words]
    assert spoken == ["Voilà", "à", "côté", "ça", "marche", "très", "bien"]


def test_faster_rate_gives_shorter_audio() -> None:
    text = "The quick brown fox jumps over the lazy dog near the river bank."
    slow = espeak.speak(text, rate=120)
    fast = espeak.speak(text, rate=320)

    assert fast.duration_ms < slow.duration_ms * 0.6


def test_rate_is_clamped_to_what_espeak_supports() -> None:
    assert espeak.clamp_rate(20) == espeak.RATE_MIN
    assert espeak.clamp_rate(9000) == espeak.RATE_MAX
    assert espeak.clamp_rate(200) == 200


def test_unknown_voice_is_refused_by_name() -> None:
    with pytest.raises(espeak.EspeakError, match="no voice 'xx-nowhere'"):
        espeak.speak("hello", "xx-nowhere")


def test_concurrent_calls_do_not_mix_audio_or_events() -> None:
    texts = ["One small step.", "A much longer sentence about many different things."] * 3
    expected = {t: espeak.speak(t).duration_ms for t in texts}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(espeak.speak, texts))

    for text, speech in zip(texts, results, strict=True):
        assert [text[w.start : w.end] for w in speech.words] == text.rstrip(".").split()
        assert speech.duration_ms == pytest.approx(expected[text], rel=0.05)
