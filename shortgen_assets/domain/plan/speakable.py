"""Can the theme's voice speak this narration in the video's time? Decided at the script.

The voiceover stage re-times a take to fit its duration, but only within a natural pace; a plan
that cannot fit would fail there, after the script was paid for, with the reason buried in a check
record. This measures the narration with the same speech model the voiceover uses:

- Piper's measured pace for its voice (seconds per word = fixed + scaled x length scale), at the
  theme's words per minute sped up by at most NATURAL_SPEEDUP and never past the voice's fastest
  length scale;
- espeak at the theme's words per minute, sped up by at most NATURAL_SPEEDUP.

Length is counted in speech units (`checks.speech_units`): words, or characters for Chinese and
Japanese, which are written without spaces. A voice for another language spells such characters
out or skips them, and spells a token of thousands of characters letter by letter, so both are
refused here with the fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from shortgen_assets.domain.audio.piper_voices import (
    LENGTH_SCALE_MIN,
    PIPER_VOICES,
    piper_voice_for,
    primary_language,
)
from shortgen_assets.domain.plan.checks import CJK_CHAR, speech_units
from shortgen_assets.domain.schemas import ProductionPlan, Theme
from shortgen_assets.domain.standards import VOICEOVER_TOLERANCE

NATURAL_SPEEDUP = 1.25  # faster than this over the theme's rate stops sounding natural
MAX_TOKEN_CHARS = 45  # the longest English dictionary word; longer is a run-on or a paste
CJK_LANGUAGES = {"zh", "ja"}


@dataclass(frozen=True)
class Pace:
    voice: str
    fastest_words_per_minute: float


def fastest_pace(theme: Theme) -> Pace:
    """The fastest natural pace of the voice that will narrate `theme`."""
    wanted = theme.voice.words_per_minute * NATURAL_SPEEDUP
    name = theme.voice.piper_voice or piper_voice_for(theme.language)
    voice = PIPER_VOICES.get(name) if name else None
    if voice is None:
        return Pace(f"espeak {theme.voice.name}", wanted)
    return Pace(f"Piper {voice.name}", min(wanted, voice.words_per_minute(LENGTH_SCALE_MIN)))


def _shorten(token: str) -> str:
    return f"{token[:20]}…" if len(token) > 20 else token


def long_token_problems(text: str) -> list[str]:
    longest = max(text.split(), key=len, default="")
    if len(longest) <= MAX_TOKEN_CHARS:
        return []
    return [
        f"narration has a {len(longest)}-character token {_shorten(longest)!r}; a voice spells "
        f"it out letter by letter; break it into words of at most {MAX_TOKEN_CHARS} characters"
    ]


def script_problems(text: str, language: str) -> list[str]:
    if primary_language(language) in CJK_LANGUAGES:
        return []
    found = CJK_CHAR.findall(text)
    if not found:
        return []
    return [
        f"narration has {len(found)} Chinese/Japanese characters ({''.join(found[:6])!r}...) "
        f"but the theme's language is {language}, whose voice spells them out or skips them; "
        f"write the talking points in {language} or set the theme's language to zh or ja"
    ]


def fit_problems(plan: ProductionPlan, pace: Pace) -> list[str]:
    seconds = speech_units(plan.voiceover_script) * 60 / pace.fastest_words_per_minute
    if seconds <= plan.duration_target * (1 + VOICEOVER_TOLERANCE):
        return []
    return [
        f"narration needs ~{seconds:.0f} s at the voice's fastest natural pace ({pace.voice}, "
        f"{pace.fastest_words_per_minute:.0f} words/min), the video is "
        f"{plan.duration_target:g} s; shorten it"
    ]


def speakable_problems(plan: ProductionPlan, theme: Theme) -> list[str]:
    """Why the theme's voice cannot speak this narration in the video's time (empty: it can)."""
    text = plan.voiceover_script
    unspeakable = long_token_problems(text) + script_problems(text, theme.language)
    return unspeakable or fit_problems(plan, fastest_pace(theme))
