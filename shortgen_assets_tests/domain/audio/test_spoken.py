"""What the narrator says for an on-screen token: prices, units, 24/7 and multipliers."""

from __future__ import annotations

import pytest

from shortgen_assets.domain.audio.spoken import spoken_tokens


@pytest.mark.parametrize(
    ("shown", "said"),
    [
        ("It costs $1,499 today.", "It costs 1,499 dollars today."),
        ("Just $9.99 a month", "Just 9 dollars 99 a month"),
        ("$0.99 each", "99 cents each"),
        ("Pay $1 once", "Pay 1 dollar once"),
        ("Save €20 now.", "Save 20 euros now."),
        ("Raised £2m (£2.50 a share)", "Raised 2 million pounds (2 pounds 50 a share)"),
        ("Only £0.50 or $1.5M", "Only 50 pence or 1.5 million dollars"),
        ("From $1.00 to $2.5", "From 1 dollar to 2.5 dollars"),
        ("($5k)", "(5 thousand dollars)"),
        ("Open 24/7, for you.", "Open twenty-four seven, for you."),
        ("Get 10x more done.", "Get 10 times more done."),
        ("We are #1", "We are number 1"),
        ("Coffee & cake, w/ friends", "Coffee and cake, with friends"),
        ("Rides 80 km a day.", "Rides 80 kilometres a day."),
        ("Only 1 km away", "Only 1 kilometre away"),
        ("Top speed 25 km/h.", "Top speed 25 kilometres per hour."),
        ("Weighs 3.5kg!", "Weighs 3.5 kilograms!"),
        ("Ready in 5 min, charged in 2 hrs", "Ready in 5 minutes, charged in 2 hours"),
        ("A 5000 mAh cell at 20 °C", "A 5000 milliamp hours cell at 20 degrees Celsius"),
    ],
)
def test_a_narrator_reads_symbols_and_units_as_words(shown: str, said: str) -> None:
    assert " ".join(spoken_tokens(shown.split())) == said


@pytest.mark.parametrize(
    "shown",
    [
        "Meet AquaPulse, 35% lighter and 2nd to none",  # espeak reads these well
        "The X2 is an e-bike from R&D",  # letters and digits that are names
        "Press s to save, then h for help",  # a unit's letters with no number before them
        "Tap 5 then km",  # ... and after a word that is not a number: only "5 km" is a distance
    ],
)
def test_everything_else_is_left_as_written(shown: str) -> None:
    assert spoken_tokens(shown.split()) == shown.split()


def test_each_token_keeps_its_own_entry_so_captions_keep_their_spans() -> None:
    shown = ["From", "$1,499,", "80", "km,", "24/7."]
    assert len(spoken_tokens(shown)) == len(shown)


def test_the_themes_respellings_come_first_in_any_language() -> None:
    say_as = {"Nike": "Ny-kee", "24/7": "round the clock"}
    shown = ["NIKE,", "open", "24/7.", "Prix", "$5"]
    assert spoken_tokens(shown, say_as=say_as) == [
        "Ny-kee,",
        "open",
        "round the clock.",
        "Prix",
        "5 dollars",
    ]
    assert spoken_tokens(shown, english=False, say_as=say_as) == [
        "Ny-kee,",
        "open",
        "round the clock.",
        "Prix",
        "$5",  # prices and units are read by English rules only
    ]
