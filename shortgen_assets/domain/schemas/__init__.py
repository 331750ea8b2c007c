"""Typed contracts shared by every stage: theme, trends, report, plan, narration, footage.

Pure pydantic, no Dagster: assets, resources and domain code all speak these types, so a stage can
be swapped (offline or API provider) without its neighbours noticing. One module per stage's
contracts; every name is importable from here.
"""

from shortgen_assets.domain.schemas.base import (
    HEX_COLOUR,
    STYLES,
    Colour,
    Platform,
    Position,
    PublishTarget,
    Strict,
    Style,
)
from shortgen_assets.domain.schemas.media import (
    Clip,
    Footage,
    Narration,
    ProviderUsage,
    SentenceTiming,
    WordTiming,
)
from shortgen_assets.domain.schemas.plan import (
    KIT_SCENE_KINDS,
    ProductionPlan,
    Scene,
    SceneKind,
    TextOverlay,
)
from shortgen_assets.domain.schemas.theme import (
    Brand,
    BrandMedia,
    CaptionStyle,
    DailyWindow,
    KitKind,
    Palette,
    PublishSchedule,
    Reference,
    Theme,
    Voice,
)
from shortgen_assets.domain.schemas.trends import (
    DurationStats,
    RankedTrend,
    Recommendation,
    SignalStrength,
    TrendCluster,
    TrendItem,
    TrendPlatform,
    TrendReport,
    TrendSignal,
)

__all__ = [
    "HEX_COLOUR",
    "KIT_SCENE_KINDS",
    "STYLES",
    "Brand",
    "BrandMedia",
    "CaptionStyle",
    "Clip",
    "Colour",
    "DailyWindow",
    "DurationStats",
    "Footage",
    "KitKind",
    "Narration",
    "Palette",
    "Platform",
    "Position",
    "ProductionPlan",
    "ProviderUsage",
    "PublishSchedule",
    "PublishTarget",
    "RankedTrend",
    "Recommendation",
    "Reference",
    "Scene",
    "SceneKind",
    "SentenceTiming",
    "SignalStrength",
    "Strict",
    "Style",
    "TextOverlay",
    "Theme",
    "TrendCluster",
    "TrendItem",
    "TrendPlatform",
    "TrendReport",
    "TrendSignal",
    "Voice",
    "WordTiming",
]
