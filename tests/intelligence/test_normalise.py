"""Shared normalisation (cad.kernel.normalise): table-driven, no database."""

import pytest

from cad.kernel.normalise import address_key, name_key, phone_key, postcode_key, premises_key
from intelligence.rules import address_keys, street_key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        # One UK mobile in every way it is written.
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("447700900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("(07700) 900-123", "+447700900123"),
        ("  07700900123  ", "+447700900123"),
        ("+44 (0)7700 900123", "+447700900123"),
        # Landline.
        ("020 7946 0018", "+442079460018"),
        # Foreign numbers keep their own country.
        ("+33 1 42 68 53 00", "+33142685300"),
        ("0033 1 42 68 53 00", "+33142685300"),
        ("+1 202 555 0143", "+12025550143"),
        # Bad input: nothing to match on.
        ("", ""),
        ("   ", ""),
        (None, ""),
        ("0770O 900123", ""),  # letter O typed for zero
        ("call me back", ""),
        ("ext 123", ""),
        ("12", ""),
        ("999", ""),
    ],
)
def test_phone_key(raw, key):
    assert phone_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("SW1A 1AA", "SW1A1AA"),
        ("sw1a1aa", "SW1A1AA"),
        ("  ec1a   1bb ", "EC1A1BB"),
        ("M1 1AE", "M11AE"),
        ("B33 8TH", "B338TH"),
        ("", ""),
        (None, ""),
        ("NOTAPC", ""),
        ("12345", ""),
        ("SW1A", ""),  # outward code only
    ],
)
def test_postcode_key(raw, key):
    assert postcode_key(raw) == key


@pytest.mark.parametrize(
    ("address", "postcode", "key", "premises"),
    [
        ("14 Acacia Avenue", "SW1A 1AA", "SW1A1AA|14|ACACIA AVE", "SW1A1AA|14"),
        ("14 acacia ave", "sw1a1aa", "SW1A1AA|14|ACACIA AVE", "SW1A1AA|14"),
        # Postcode inside the text, town after the street.
        ("14, Acacia Ave, London SW1A 1AA", "", "SW1A1AA|14|ACACIA AVE", "SW1A1AA|14"),
        # Flat and house number in either order.
        ("Flat 2, 14 Acacia Ave", "SW1A 1AA", "SW1A1AA|14-2|ACACIA AVE", "SW1A1AA|14-2"),
        ("14 Acacia Avenue, flat 2", "SW1A 1AA", "SW1A1AA|14-2|ACACIA AVE", "SW1A1AA|14-2"),
        # Missing postcode: the street key still works, premises needs a postcode.
        ("14 Acacia Avenue", "", "|14|ACACIA AVE", ""),
        ("14 Acacia Avenue", "NOTAPC", "|14|ACACIA AVE", ""),
        # No number: no premises.
        ("Acacia Avenue", "SW1A 1AA", "SW1A1AA||ACACIA AVE", ""),
        # Nothing usable.
        ("", "SW1A 1AA", "", ""),
        ("", "", "", ""),
        (None, None, "", ""),
    ],
)
def test_address_and_premises_keys(address, postcode, key, premises):
    assert address_key(address, postcode) == key
    assert premises_key(address, postcode) == premises


@pytest.mark.parametrize(
    ("address", "postcode", "expected"),
    [
        ("14 Acacia Avenue", "SW1A 1AA", "14|ACACIA AVE"),
        ("14 Acacia Avenue", "", "14|ACACIA AVE"),
        ("Acacia Avenue", "SW1A 1AA", ""),
        ("", "", ""),
    ],
)
def test_street_key(address, postcode, expected):
    assert street_key(address_key(address, postcode)) == expected
    assert address_keys(address, postcode)["street_key"] == expected


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Jon Smyth", "John Smith"),
        ("JOHN  SMITH", "john smith"),
        ("Dr John Paul Smith", "John Smith"),
        ("Mrs Mary Anne O'Neill", "Mary ONeill"),
        ("José Álvarez", "Jose Alvarez"),
        ("Stephen Jones", "Steven Jones"),
        ("Catherine Thompson", "Kathryn Thompson"),
        ("Mohammed Khan", "Muhammad Khan"),
    ],
)
def test_name_key_sounds_alike(left, right):
    assert name_key(left) == name_key(right) != ""


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("John Smith", "Mary Smith"),
        ("John Smith", "John Brown"),
        ("John Smith", "Smith"),
    ],
)
def test_name_key_tells_people_apart(left, right):
    # Phonetic keys are coarse ("John" and "Jane" agree): checks also need the date of birth.
    assert name_key(left) != name_key(right)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Ms A", "A"),  # an initial alone still counts
        ("J Smith", "SM0"),  # initials beside a name do not
        ("", ""),
        (None, ""),
        ("12345", ""),
        ("Mr", ""),
    ],
)
def test_name_key_edge_cases(raw, key):
    assert name_key(raw) == key


def test_keys_fit_their_columns_however_long_the_words():
    """A 300-character address or a 200-character name is saved, matched on its start."""
    from cad.kernel.normalise import (
        ADDRESS_KEY_MAX,
        NAME_KEY_MAX,
        PREMISES_KEY_MAX,
        address_key,
        name_key,
        premises_key,
    )

    word = "W" * 300
    assert 0 < len(address_key(f"14 {word} Road", "SW1A 1AA")) <= ADDRESS_KEY_MAX
    assert (
        0
        < len(premises_key(" ".join(str(n) for n in range(200)), "SW1A 1AA"))
        <= (PREMISES_KEY_MAX)
    )
    assert 0 < len(name_key(f"{word[:199]} {word[:199]}")) <= NAME_KEY_MAX
    assert address_key(f"14 {word} Road", "SW1A 1AA") == address_key(f"14 {word}", "SW1A 1AA")
