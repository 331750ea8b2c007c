"""The theme reference (docs/themes.md) and the commented starter theme, both from the schema.

Every field's type, range, default and meaning come from `schemas.Theme` (its pydantic fields and
their descriptions), so the docs and `shortgen theme new` cannot drift from what is validated.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from shortgen_assets.domain.schemas import Theme


@dataclass(frozen=True)
class FieldDoc:
    path: str
    type: str
    range: str
    default: str
    meaning: str
    model: type[BaseModel] | None  # a nested model's fields follow this one
    is_list: bool


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `| None`, and whether None was allowed."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0], len(args) < len(get_args(annotation))
    return annotation, False


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    inner, _ = _unwrap(annotation)
    if get_origin(inner) is list:
        inner = get_args(inner)[0]
        return (
            (inner, True)
            if isinstance(inner, type) and issubclass(inner, BaseModel)
            else (
                None,
                True,
            )
        )
    return (
        (inner, False)
        if isinstance(inner, type) and issubclass(inner, BaseModel)
        else (
            None,
            False,
        )
    )


def _is_colour(info: FieldInfo) -> bool:
    return any(
        getattr(getattr(m, "func", None), "__name__", "") == "_check_colour" for m in info.metadata
    )


def type_name(annotation: Any, info: FieldInfo | None = None) -> str:
    inner, optional = _unwrap(annotation)
    if get_origin(inner) is Literal:
        text = "one of " + ", ".join(f"`{v}`" for v in get_args(inner))
    elif get_origin(inner) is list:
        text = f"list of {type_name(get_args(inner)[0])}"
    elif get_origin(inner) is dict:
        key, value = get_args(inner)
        text = f"map of {type_name(key)} to {type_name(value)}"
    elif info is not None and _is_colour(info):
        text = "colour `#RRGGBB`"
    elif isinstance(inner, type) and issubclass(inner, BaseModel):
        text = "section"
    else:
        text = {
            str: "text",
            int: "integer",
            float: "number",
            bool: "true/false",
            datetime: "date and time `2026-12-01T09:00`",
            time: "time `HH:MM`",
        }.get(inner, str(inner))
    return f"{text}, optional" if optional else text


def range_text(info: FieldInfo, annotation: Any) -> str:
    """Bounds in words: "5-180" for numbers, "1-120 characters" for text, "1+ items" for lists."""
    bounds: dict[str, Any] = {}
    for item in info.metadata:
        for kind in ("ge", "le", "min_length", "max_length"):
            if hasattr(item, kind):
                bounds[kind] = getattr(item, kind)
    low = bounds.get("ge", bounds.get("min_length"))
    high = bounds.get("le", bounds.get("max_length"))
    if low is None and high is None:
        return ""
    span = (
        f"{low}-{high}"
        if low is not None and high is not None
        else (f"{low}+" if low is not None else f"up to {high}")
    )
    inner, _ = _unwrap(annotation)
    unit = {str: " characters"}.get(inner, " items" if get_origin(inner) in (list, dict) else "")
    return span + unit


def default_value(info: FieldInfo) -> Any:
    """The default as data; PydanticUndefined when the field is required."""
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        return value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return info.default


def _default_text(info: FieldInfo, model: type[BaseModel] | None) -> str:
    value = default_value(info)
    if value is PydanticUndefined:
        return "required"
    if model is not None and isinstance(value, dict):
        return "see below"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def fields(model: type[BaseModel] = Theme, prefix: str = "") -> Iterator[FieldDoc]:
    """Every field of `model`, depth first, nested sections after their parent."""
    for name, info in model.model_fields.items():
        nested, is_list = _model_of(info.annotation)
        path = f"{prefix}{name}"
        yield FieldDoc(
            path=path,
            type=type_name(info.annotation, info),
            range=range_text(info, info.annotation),
            default=_default_text(info, nested),
            meaning=info.description or "",
            model=nested,
            is_list=is_list,
        )
        if nested is not None:
            yield from fields(nested, f"{path}[]." if is_list else f"{path}.")


def reference_markdown() -> str:
    """docs/themes.md: the table of every theme field."""
    lines = [
        "# Theme reference",
        "",
        "<!-- generated by `shortgen theme docs > docs/themes.md`; a test keeps it in step -->",
        "",
        "A theme is a YAML file describing a product brief. Every field is validated; unknown",
        "fields are refused. `shortgen theme new NAME` writes a commented starter theme,",
        "`shortgen theme check FILE` validates one, `shortgen demo --theme FILE` renders it.",
        "A job keeps the theme it was requested with (a snapshot); edit the file and request a",
        "new job (`shortgen demo --theme FILE` or `shortgen request --theme FILE`) to render the",
        "edited theme. `[]` marks an item of a list.",
        "",
        "| field | type | range | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for doc in fields():
        meaning = doc.meaning.replace("|", "\\|")
        lines.append(f"| `{doc.path}` | {doc.type} | {doc.range} | {doc.default} | {meaning} |")
    return "\n".join(lines) + "\n"


def _starter_values(name: str) -> dict[str, Any]:
    product = " ".join(word.capitalize() for word in name.replace("_", "-").split("-") if word)
    product = product or name
    return {
        "name": name,
        "product": product,
        "tagline": f"What {product} does for you, in one line.",
        "audience": "Who it is for: their situation and what they want",
        "tone": "friendly, clear, a little playful",
        "keywords": [product.lower()],
        "hashtags": ["".join(product.split()).lower()],
        "references": [
            {
                "title": f"Why {product}",
                "url": None,
                "talking_points": [
                    f"The problem {product} solves, in one sentence.",
                    f"How {product} solves it, in plain words.",
                    "A proof: a number, a customer or a result.",
                ],
            }
        ],
    }


def starter_placeholder(theme: Theme) -> tuple[str, str] | None:
    """The first field (path, text) still holding `theme new`'s placeholder text, if any: a video
    would otherwise narrate "The problem X solves, in one sentence." to the theme's audience."""
    starter = _starter_values(theme.name)
    fields = {"tagline": theme.tagline, "audience": theme.audience}
    for r, reference in enumerate(theme.references):
        for p, point in enumerate(reference.talking_points):
            fields[f"references[{r}].talking_points[{p}]"] = point
    placeholders = {starter["tagline"], starter["audience"]}
    placeholders.update(starter["references"][0]["talking_points"])
    return next(((path, text) for path, text in fields.items() if text in placeholders), None)


def _comment(doc: FieldDoc) -> str:
    facts = "; ".join(part for part in (doc.type, doc.range, f"default {doc.default}") if part)
    return f"{doc.meaning} ({facts})" if doc.meaning else f"({facts})"


def _example(model: type[BaseModel]) -> dict[str, Any]:
    """Defaults, and "..." where a value is required: what an unset section would hold."""
    values = {key: default_value(info) for key, info in model.model_fields.items()}
    return {k: "..." if v is PydanticUndefined else v for k, v in values.items()}


def _items(model: type[BaseModel], items: list[dict[str, Any]], indent: str) -> list[str]:
    """YAML list items: each item's fields, the first one after "- "."""
    lines: list[str] = []
    for item in items:
        block: list[str] = []
        _emit(model, item, indent + "    ", block)
        first = next(i for i, line in enumerate(block) if not line.lstrip().startswith("#"))
        block[first] = f"{indent}  - {block[first].lstrip()}"
        lines += block
    return lines


def _emit(model: type[BaseModel], values: dict[str, Any], indent: str, out: list[str]) -> None:
    docs = {doc.path: doc for doc in fields(model)}
    for key in model.model_fields:
        doc, value = docs[key], values.get(key)
        out.append(f"{indent}# {_comment(doc)}")
        if doc.model is not None and isinstance(value, dict):
            out.append(f"{indent}{key}:")
            _emit(doc.model, value, indent + "  ", out)
        elif doc.model is not None and doc.is_list and value:
            out.append(f"{indent}{key}:")
            out += _items(doc.model, value, indent)
        else:
            out.append(f"{indent}{key}: {json.dumps(value, ensure_ascii=False)}")
            if doc.model is not None:  # an unset section: an example of it, commented out
                example: list[str] = []
                if doc.is_list:
                    example = _items(doc.model, [_example(doc.model)], "")
                else:
                    _emit(doc.model, _example(doc.model), "  ", example)
                out += [f"{indent}# {line}" for line in example]


def starter_theme(name: str) -> str:
    """A complete, valid theme for `name`: every field with its meaning, range and default."""
    values = {
        key: default_value(info)
        for key, info in Theme.model_fields.items()
        if default_value(info) is not PydanticUndefined
    }
    values.update(_starter_values(name))
    lines = [
        f"# Theme {name!r}: the brief shortgen turns into short videos.",
        "# Every field is listed with its meaning, type, range and default (docs/themes.md has",
        "# the same reference). Check it:  shortgen theme check FILE",
        "# Render one video:               shortgen demo --theme FILE",
        "",
    ]
    _emit(Theme, values, "", lines)
    return "\n".join(lines) + "\n"
