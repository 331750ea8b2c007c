"""Loading theme files safely: one clear line naming the file, the field and the fix, or a Theme.

Theme files come from users, so the loader refuses what YAML allows but a theme never needs:
aliases (the billion-laughs bomb), huge files, non-UTF-8 bytes and non-mapping documents.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from shortgen_assets.domain.brand_kit import KitError, check_brand
from shortgen_assets.domain.schemas import Theme
from shortgen_assets.domain.theme_reference import starter_placeholder

MAX_THEME_BYTES = 256 * 1024


class ThemeError(ValueError):
    """A theme file that cannot be used; the message is one line meant for the user."""


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise ThemeError(
                f"YAML aliases are not allowed (line {mark.line + 1}); write the value out in full"
            )
        return super().compose_node(parent, index)


def _field_path(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "(top level)"


def _describe(error: dict[str, Any]) -> str:
    field = _field_path(error["loc"])
    kind = error["type"]
    if kind == "missing":
        return f"field '{field}' is missing; add it (see config/themes/default.yaml)"
    if kind == "extra_forbidden":
        return f"field '{field}' is not a theme field; remove it or check its spelling"
    message = str(error["msg"]).removeprefix("Value error, ")
    given = error.get("input")
    if isinstance(given, dict | list):  # a whole section: the message names what is wrong in it
        return f"field '{field}': {message}"
    return f"field '{field}': {message} (got {given!r:.60})"


def parse_theme(data: object, source: str) -> Theme:
    """Validate already-loaded data (a file's or a job row's snapshot) into a Theme."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise ThemeError(f"{source}: the theme is {kind}; it must be a mapping of theme fields")
    try:
        return Theme.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise ThemeError(f"{source}: {_describe(first)}{more}") from None


_FILE_KINDS = {
    stat.S_ISDIR: "a directory",
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


def _regular_file_size(path: Path) -> int:
    """The size of a regular theme file; anything else is named by what it is.

    `os.stat` only (never open): opening a FIFO blocks and /dev/zero never ends.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ThemeError(
            f"{path}: no such theme file; pass a path like config/themes/default.yaml"
        ) from None
    except OSError as exc:
        raise ThemeError(f"{path}: cannot read the theme file ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _FILE_KINDS.items() if test(info.st_mode)), None)
        raise ThemeError(
            f"{path}: is {kind or 'not a regular file'}, not a theme file; "
            "pass a YAML file like config/themes/default.yaml"
        )
    return info.st_size


def load_theme(path: str | Path) -> Theme:
    """Read, size-check, decode, parse and validate a theme file, and check its brand kit."""
    path = Path(path)
    size = _regular_file_size(path)
    if size > MAX_THEME_BYTES:
        raise ThemeError(f"{path}: {size} bytes is too large for a theme (limit {MAX_THEME_BYTES})")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ThemeError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # a SafeLoader subclass
    except ThemeError as exc:
        raise ThemeError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ThemeError(f"{path}: not valid YAML{where}: {problem}") from None
    theme = parse_theme(data, str(path))
    placeholder = starter_placeholder(theme)
    if placeholder is not None:
        field, text = placeholder
        raise ThemeError(
            f"{path}: {field} is still the starter text {text!r}; write your product's own"
        )
    if theme.brand is not None:
        try:
            check_brand(theme.brand, path.parent)
        except KitError as exc:
            raise ThemeError(f"{path}: {exc}") from None
    return theme
