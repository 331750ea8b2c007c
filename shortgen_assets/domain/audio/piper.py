"""Piper neural speech, with word timings read from the model's own phoneme durations.

Piper (VITS) predicts how many audio frames each phoneme id lasts, then decodes exactly that many;
the `alignment` extra exposes those durations, so they sum to the audio and the word timings need no
separate aligner. Each on-screen word is phonemized on its own, so a token such as "24/7" (spoken
"twenty-four seven") or "AquaPulse" keeps one span however many spoken words it becomes.
Loading a voice takes seconds, so each loads once per process and is reused across sentences and
jobs. Each sentence is one inference call, ending in the pause the model makes for its full stop.
"""

from __future__ import annotations

import contextlib
import json
import string
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig
from piper.const import BOS, EOS, PAD
from piper.patch_voice_with_alignment import add_alignment_output

from shortgen_assets.domain.audio.narration_timing import TOKEN, Piece, Take, join_pieces
from shortgen_assets.domain.audio.piper_voices import (
    LENGTH_SCALE_MAX,
    LENGTH_SCALE_MIN,
    PIPER_VOICES,
    BundledVoice,
)
from shortgen_assets.domain.audio.spoken import spoken_tokens
from shortgen_assets.domain.audio.wav import FULL_SCALE, samples_to_ms

PEAK = 0.9  # the take is scaled so its loudest sample sits at 0.9 of full scale (-0.9 dBFS)
_SILENT_PHONEMES = frozenset(string.punctuation + " ")


class PiperError(RuntimeError):
    """A voice that is not installed, or a model that cannot report its alignments."""


@dataclass
class _Sentence:
    """Raw model audio for one sentence and, per token index, its start/end sample."""

    text: str
    audio: np.ndarray
    spans: dict[int, tuple[int, int]]


_lock = threading.Lock()
_loaded: dict[str, PiperVoice] = {}


def bundled_voice(name: str) -> BundledVoice:
    """The installed voice called `name`, or a PiperError naming the installed ones."""
    bundled = PIPER_VOICES.get(name)
    if bundled is None:
        installed = ", ".join(sorted(PIPER_VOICES))
        raise PiperError(
            f"no Piper voice {name!r} is installed; use one of: {installed}, or narrate with espeak"
        )
    return bundled


def load_voice(name: str) -> PiperVoice:
    """The installed voice `name`, loaded (and patched to expose alignments) once per process."""
    with _lock:
        if name not in _loaded:
            bundled = bundled_voice(name)
            config = json.loads(Path(bundled.config_path).read_text(encoding="utf-8"))
            _loaded[name] = PiperVoice(
                session=_one_thread_session(bundled.model_path),
                config=PiperConfig.from_dict(config),
            )
        return _loaded[name]


def _one_thread_session(model_path: str | Path) -> onnxruntime.InferenceSession:
    """The voice's ONNX session with the alignment output added in memory (as `PiperVoice.load`
    does with `include_alignments`), on one thread: a sentence is too small a graph for
    onnxruntime's thread pool, whose spinning workers cost 40-60% more CPU and more wall time
    on 2 cores (measured: 3.6 s CPU / 3.8 s wall against 5.8 s / 5.8-7.0 s per minute of speech)."""
    model = onnx.load(str(model_path))
    with contextlib.suppress(ValueError):  # a model already patched on disk has the output
        add_alignment_output(model)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(
        model.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"]
    )


def length_scale(voice_name: str, words_per_minute: float) -> float:
    """Piper's phoneme length scale (larger is slower) for a speaking rate, within its limits."""
    fixed, scaled = bundled_voice(voice_name).seconds_per_word
    scale = (60 / words_per_minute - fixed) / scaled
    return max(LENGTH_SCALE_MIN, min(LENGTH_SCALE_MAX, scale))


def rate_range(voice_name: str) -> tuple[float, float]:
    """Slowest and fastest words per minute the voice reaches within the length scale limits."""
    fixed, scaled = bundled_voice(voice_name).seconds_per_word
    return 60 / (fixed + scaled * LENGTH_SCALE_MAX), 60 / (fixed + scaled * LENGTH_SCALE_MIN)


def narrate(
    sentences: list[str],
    voice_name: str,
    words_per_minute: float,
    say_as: Mapping[str, str] | None = None,
) -> Take:
    """Speak each sentence at `words_per_minute`; word and sentence timings from the alignments.

    The whole take is peak-normalized once, so sentences keep their relative loudness. Words are
    said as `spoken` reads them: the theme's respellings, and in English prices and units.
    """
    voice = load_voice(voice_name)
    config = SynthesisConfig(length_scale=length_scale(voice_name, words_per_minute))
    english = bundled_voice(voice_name).language == "en"

    def said(text: str) -> list[str]:
        return spoken_tokens(TOKEN.findall(text), english=english, say_as=say_as)

    spoken = [_speak_sentence(voice, text, said(text), config) for text in sentences]
    peak = max(float(np.max(np.abs(s.audio), initial=0.0)) for s in spoken)
    gain = PEAK / peak if peak > 1e-6 else 0.0
    rate = voice.config.sample_rate
    return join_pieces([_piece(sentence, gain, rate) for sentence in spoken])


def phonemize_words(voice: PiperVoice, words: list[str]) -> list[list[str]]:
    """Each word's phonemes on its own (punctuation kept; it makes the model pause)."""
    phonemized = []
    for word in words:
        phonemes = [p for clause in voice.phonemize(word) for p in clause]
        while phonemes and phonemes[-1] == " ":
            phonemes.pop()
        phonemized.append([p for p in phonemes if p in voice.config.phoneme_id_map])
    return phonemized


def _speak_sentence(
    voice: PiperVoice, text: str, said: list[str], config: SynthesisConfig
) -> _Sentence:
    """One inference call saying `said` (one entry per token of `text`); token spans are sums
    of the sample counts of their phoneme ids."""
    id_map = voice.config.phoneme_id_map
    pad = list(id_map[PAD])
    ids: list[int] = [*id_map[BOS], *pad]
    id_spans: dict[int, tuple[int, int]] = {}
    for index, phonemes in enumerate(phonemize_words(voice, said)):
        if index:
            ids += [*id_map[" "], *pad]
        first = last = None
        for phoneme in phonemes:
            if phoneme not in _SILENT_PHONEMES and first is None:
                first = len(ids)
            ids += [*id_map[phoneme], *pad]
            if phoneme not in _SILENT_PHONEMES:
                last = len(ids)
        if first is not None and last is not None:
            id_spans[index] = (first, last)
    if not id_spans:  # nothing speakable ("...", "—"): no audio, rather than normalized noise
        return _Sentence(text, np.zeros(0, dtype=np.float32), {})
    ids += id_map[EOS]
    result = voice.phoneme_ids_to_audio(ids, config, include_alignments=True)
    audio, samples_per_id = result if isinstance(result, tuple) else (result, None)
    if samples_per_id is None or len(samples_per_id) != len(ids):
        raise PiperError(
            f"the Piper model gave no phoneme alignments for {text[:60]!r}; reinstall "
            "piper-tts[alignment] (the onnx package patches the model to report them)"
        )
    bounds = np.concatenate([[0], np.cumsum(samples_per_id)])
    spans = {i: (int(bounds[a]), int(bounds[b])) for i, (a, b) in id_spans.items()}
    return _Sentence(text, np.asarray(audio, dtype=np.float32).reshape(-1), spans)


def _piece(sentence: _Sentence, gain: float, sample_rate: int) -> Piece:
    """int16 audio with token start ms; the sentence ends where its last spoken phoneme ends."""
    samples = np.clip(sentence.audio * gain * FULL_SCALE, -FULL_SCALE, FULL_SCALE - 1)
    starts = {i: samples_to_ms(start, sample_rate) for i, (start, _) in sentence.spans.items()}
    last = max((end for _, end in sentence.spans.values()), default=sentence.audio.size)
    end_ms = samples_to_ms(last, sample_rate)
    return Piece(sentence.text, samples.astype(np.int16), sample_rate, starts, end_ms)
