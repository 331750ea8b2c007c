"""How a narrator reads a token aloud: the theme's own respellings, and in English prices, units,
"24/7" and "10x".

espeak-ng's rules, which Piper phonemizes with, read "$1,499" as "dollar one thousand four hundred
ninety nine", "24/7" as "twenty four slash seven", "80 km" as "eighty K M" and "10x" as "ten ex";
a narrator says "one thousand four hundred ninety nine dollars", "twenty-four seven", "eighty
kilometres" and "ten times". Each on-screen token is rewritten on its own (a unit looks at the
token before it), so its caption still spans exactly what is said for it. Plain numbers, "%" and
ordinals are left to espeak-ng, which reads them well. A theme's `voice.say_as` respells the words
a voice gets wrong (brand names: "Nike" as "Ny-kee"), in any language, before these rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# symbol: (one, many, the hundredth part)
CURRENCIES = {
    "$": ("dollar", "dollars", "cents"),
    "€": ("euro", "euros", "cents"),
    "£": ("pound", "pounds", "pence"),
}
SCALES = {"k": "thousand", "m": "million", "mn": "million", "b": "billion", "bn": "billion"}
# Units read only after a number ("5 min", "80km"): short forms that mean nothing else there.
UNITS = {
    "km": ("kilometre", "kilometres"),
    "km/h": ("kilometre per hour", "kilometres per hour"),
    "kph": ("kilometre per hour", "kilometres per hour"),
    "mph": ("mile per hour", "miles per hour"),
    "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"),
    "kg": ("kilogram", "kilograms"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "ml": ("millilitre", "millilitres"),
    "h": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "s": ("second", "seconds"),
    "sec": ("second", "seconds"),
    "secs": ("second", "seconds"),
    "ms": ("millisecond", "milliseconds"),
    "mb": ("megabyte", "megabytes"),
    "gb": ("gigabyte", "gigabytes"),
    "tb": ("terabyte", "terabytes"),
    "mah": ("milliamp hour", "milliamp hours"),
    "kwh": ("kilowatt hour", "kilowatt hours"),
    "w": ("watt", "watts"),
    "kw": ("kilowatt", "kilowatts"),
    "°c": ("degree Celsius", "degrees Celsius"),
    "°f": ("degree Fahrenheit", "degrees Fahrenheit"),
}
WORDS = {"24/7": "twenty-four seven", "&": "and", "w/": "with"}

NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_EDGES = re.compile(r"^([\"'(\[]*)(.*?)([\"')\].,!?;:]*)$")
_PRICE = re.compile(r"^([$€£])(\d+(?:,\d{3})*)(?:\.(\d+))?(k|m|mn|b|bn)?$", re.IGNORECASE)
_TIMES = re.compile(rf"^({NUMBER})[x×]$", re.IGNORECASE)
_RANK = re.compile(r"^#(\d+)$")
_WITH_UNIT = re.compile(rf"^({NUMBER})([^\d\s].*)$")
_PLAIN_NUMBER = re.compile(rf"^{NUMBER}$")


def spoken_tokens(
    tokens: list[str], *, english: bool = True, say_as: Mapping[str, str] | None = None
) -> list[str]:
    """Each token as a narrator says it, its leading and trailing punctuation kept."""
    respelled = {written.casefold(): spoken for written, spoken in (say_as or {}).items()}
    spoken, before = [], ""
    for token in tokens:
        lead, core, trail = _edges(token)
        said = respelled.get(core.casefold()) or (_said(core, before) if english else core)
        spoken.append(f"{lead}{said}{trail}" if said != core else token)
        before = core
    return spoken


def _edges(token: str) -> tuple[str, str, str]:
    """(opening quotes and brackets, the word, closing punctuation) of a whitespace token."""
    match = _EDGES.match(token)
    assert match is not None  # every part of the pattern may be empty
    lead, core, trail = match.groups()
    return lead, core, trail


def _said(core: str, before: str) -> str:
    if core.lower() in WORDS:
        return WORDS[core.lower()]
    if price := _PRICE.match(core):
        return _price(*price.groups())
    if times := _TIMES.match(core):
        return f"{times.group(1)} times"
    if rank := _RANK.match(core):
        return f"number {rank.group(1)}"
    if (joined := _WITH_UNIT.match(core)) and joined.group(2).lower() in UNITS:
        return f"{joined.group(1)} {_unit(joined.group(2), joined.group(1))}"
    if core.lower() in UNITS and _PLAIN_NUMBER.match(before):
        return _unit(core, before)
    return core


def _unit(unit: str, number: str) -> str:
    one, many = UNITS[unit.lower()]
    return one if number == "1" else many


def _price(symbol: str, whole: str, decimals: str | None, scale: str | None) -> str:
    """A price as said: "$1,499" -> "1,499 dollars", "$9.99" -> "9 dollars 99", "£0.50" ->
    "50 pence", "$1.5M" -> "1.5 million dollars"."""
    one, many, hundredth = CURRENCIES[symbol]
    if scale:
        return f"{whole}{'.' + decimals if decimals else ''} {SCALES[scale.lower()]} {many}"
    if decimals and len(decimals) == 2 and decimals != "00":
        if whole == "0":
            return f"{int(decimals)} {hundredth}"
        return f"{whole} {one if whole == '1' else many} {int(decimals)}"
    amount = f"{whole}.{decimals}" if decimals and decimals.strip("0") else whole
    return f"{amount} {one if amount == '1' else many}"
