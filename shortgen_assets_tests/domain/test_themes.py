"""Theme files: the default loads; each kind of defect is one clear line, exit 2, no row."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job
from shortgen_assets.db.session import session_scope
from shortgen_assets.domain.themes import MAX_THEME_BYTES, ThemeError, load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME, default_theme_data

GOOD = default_theme_data()


def _with(**changes: object) -> str:
    data = {**GOOD, **changes}
    return yaml.safe_dump({k: v for k, v in data.items() if v is not None}, allow_unicode=True)


def _without(field: str) -> str:
    return yaml.safe_dump({k: v for k, v in GOOD.items() if k != field})


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"

DEFECTS: dict[str, tuple[bytes, str]] = {
    "missing_field": (_without("product").encode(), "field 'product' is missing"),
    "wrong_type": (_with(duration_seconds="thirty").encode(), "field 'duration_seconds'"),
    "out_of_range": (_with(duration_seconds=600).encode(), "less than or equal to 180"),
    "not_yaml": (b"name: [unclosed\nproduct: x\n", "not valid YAML at line"),
    "empty": (b"", "the theme is empty"),
    "huge": (b"# " + b"x" * (MAX_THEME_BYTES + 10) + b"\n", "too large for a theme"),
    "alias_bomb": (ALIAS_BOMB.encode(), "YAML aliases are not allowed"),
    "unknown_key": (_with(colour_scheme="dark").encode(), "'colour_scheme' is not a theme field"),
    "bad_colour": (
        _with(palette={**GOOD["palette"], "primary": "blue"}).encode(),
        "'blue' is not a colour; write it as #RRGGBB",
    ),
    "not_utf8": (
        _with(product="Café").encode("utf-8").replace(b"Caf\xc3\xa9", b"Caf\xe9"),
        "not UTF-8",
    ),
    "not_a_mapping": (b"- just\n- a list\n", "the theme is a list"),
    "no_references": (_with(references=[]).encode(), "field 'references'"),
    "bad_platform": (_with(platform="myspace").encode(), "field 'platform'"),
    "say_as_phrase": (
        _with(voice={**GOOD["voice"], "say_as": {"Air Max": "Air Macks"}}).encode(),
        "'Air Max' must be one word as written in the narration",
    ),
    "piper_voice_for_another_language": (
        _with(language="fr", voice={**GOOD["voice"], "piper_voice": "en_US-joe-medium"}).encode(),
        "Piper has no 'fr' voice here (en_US-joe-medium speaks en); remove voice.piper_voice "
        "to narrate in 'fr' with espeak",
    ),
}


def test_default_theme_is_valid() -> None:
    theme = load_theme(DEFAULT_THEME)
    assert theme.product == "Tempo Focus Timer"
    assert theme.voice.piper_voice == "en_US-joe-medium"
    assert theme.references and all(ref.talking_points for ref in theme.references)


def test_a_language_piper_has_no_voice_for_is_narrated_by_espeak(tmp_path: Path) -> None:
    path = tmp_path / "french.yaml"
    path.write_text(_with(language="fr", voice={**GOOD["voice"], "name": "fr"}))
    assert load_theme(path).voice.piper_voice is None


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_defective_theme_file_is_rejected_with_one_line(defect: str, tmp_path: Path) -> None:
    content, expected = DEFECTS[defect]
    path = tmp_path / f"{defect}.yaml"
    path.write_bytes(content)
    with pytest.raises(ThemeError) as caught:
        load_theme(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert expected in message
    assert "\n" not in message
    assert "(got {" not in message and "(got [" not in message  # never a whole section dumped


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_request_with_defective_theme_exits_2_and_writes_nothing(
    defect: str, installation: Settings, tmp_path: Path
) -> None:
    path = tmp_path / f"{defect}.yaml"
    path.write_bytes(DEFECTS[defect][0])
    result = CliRunner().invoke(app, ["request", "--theme", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}")
    assert "Traceback" not in result.output
    with session_scope(installation.app_database_url) as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def _special_path(kind: str, tmp_path: Path) -> tuple[Path, str]:
    if kind == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)  # never opened: opening a FIFO with no writer would block the test
        return path, "is a named pipe (FIFO)"
    if kind == "directory":
        path = tmp_path / "folder.yaml"
        path.mkdir()
        return path, "is a directory"
    return Path("/dev/zero"), "is a character device"


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_a_theme_path_that_is_not_a_regular_file_says_what_it_is(
    kind: str, installation: Settings, tmp_path: Path
) -> None:
    path, expected = _special_path(kind, tmp_path)
    result = CliRunner().invoke(app, ["request", "--theme", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), lines
    assert expected in lines[0] and "no such theme file" not in lines[0]
