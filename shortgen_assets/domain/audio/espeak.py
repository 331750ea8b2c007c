"""ctypes binding to the espeak-ng library shipped in the `espeakng-loader` wheel.

Offline speech with exact word timings: espeak-ng hands back PCM together with WORD events whose
`audio_position` is measured in the very audio it returns, so captions can be cut from them
without any alignment step. The library is process-global (one voice, one rate, one callback), so
every call holds a module lock; synthesis runs in AUDIO_OUTPUT_SYNCHRONOUS mode, so the callback has
delivered all samples when `espeak_Synth` returns.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass, field

import espeakng_loader
import numpy as np

RATE_MIN, RATE_MAX = 80, 450

# speak_lib.h enums and flags
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_PARAM_RATE = 1
_PARAM_PITCH = 3
_EE_OK = 0


class EspeakError(RuntimeError):
    """espeak-ng refused a request (unknown voice, failed init, synthesis error)."""


class _EventId(ctypes.Union):
    _fields_ = [
        ("number", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("string", ctypes.c_char * 8),
    ]


class _Event(ctypes.Structure):
    """`espeak_EVENT` from speak_lib.h, field for field (the union makes it 8-byte aligned)."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class SpokenWord:
    """A word event: `start`/`end` are character offsets into the spoken text (0-based)."""

    start: int
    end: int
    audio_ms: int


@dataclass
class Speech:
    """Mono 16-bit PCM and the word events espeak reported while producing it."""

    samples: np.ndarray
    sample_rate: int
    words: list[SpokenWord] = field(default_factory=list)

    @property
    def duration_ms(self) -> int:
        return round(len(self.samples) * 1000 / self.sample_rate)


@dataclass
class _Collector:
    chunks: list[np.ndarray] = field(default_factory=list)
    words: list[SpokenWord] = field(default_factory=list)


class _Engine:
    """The loaded library; initialised once per process on first use."""

    def __init__(self) -> None:
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self._declare_signatures()
        data_path = espeakng_loader.get_data_path().encode()
        # `path` is the folder that *contains* espeak-ng-data, but espeak-ng also accepts the data
        # folder itself; pass it explicitly so a system espeak never shadows the wheel's voices.
        rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0)
        if rate <= 0:
            raise EspeakError(f"espeak-ng failed to initialise with data at {data_path.decode()}")
        self.sample_rate: int = rate
        self.collector = _Collector()
        self._callback = _SynthCallback(self._on_synth)  # referenced for the process lifetime
        self.lib.espeak_SetSynthCallback(self._callback)

    def _declare_signatures(self) -> None:
        lib = self.lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.POINTER(ctypes.c_uint),
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int

    def _on_synth(self, wav: ctypes.Array, count: int, events: ctypes.Array) -> int:
        if wav and count > 0:
            self.collector.chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == _EVENT_WORD:
                start = event.text_position - 1  # espeak counts characters from 1
                self.collector.words.append(
                    SpokenWord(start, start + event.length, event.audio_position)
                )
            index += 1
        return 0

    def speak(self, text: str, voice: str, rate: int, pitch: int) -> Speech:
        if self.lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
            raise EspeakError(
                f"espeak-ng has no voice {voice!r}; use a language code such as en-us, fr, es, de"
            )
        self.lib.espeak_SetParameter(_PARAM_RATE, clamp_rate(rate), 0)
        self.lib.espeak_SetParameter(_PARAM_PITCH, max(0, min(99, pitch)), 0)
        self.collector = _Collector()
        encoded = text.encode("utf-8") + b"\0"
        buffer = ctypes.create_string_buffer(encoded, len(encoded))
        status = self.lib.espeak_Synth(
            buffer, len(encoded), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None
        )
        if status != _EE_OK:
            raise EspeakError(f"espeak-ng synthesis failed with status {status} for {text[:60]!r}")
        chunks = self.collector.chunks
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return Speech(samples.astype(np.int16), self.sample_rate, list(self.collector.words))


_lock = threading.Lock()
_engine: _Engine | None = None


def clamp_rate(words_per_minute: int) -> int:
    return max(RATE_MIN, min(RATE_MAX, int(words_per_minute)))


def speak(text: str, voice: str = "en-us", rate: int = 160, pitch: int = 50) -> Speech:
    """Synthesize `text` with an espeak-ng voice (language code) at `rate` words per minute."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = _Engine()
        return _engine.speak(text, voice, rate, pitch)
