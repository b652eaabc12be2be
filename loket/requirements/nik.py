"""The structure of an Indonesian NIK (Nomor Induk Kependudukan), as Dukcapil issues it:

    PP KK CC DDMMYY SSSS
    |  |  |  |      serial, never 0000
    |  |  |  birth date; women: day + 40
    |  |  kecamatan (district), 01-99
    |  kabupaten/kota (regency/city), 01-99 (cities from 71)
    province, one of the codes of the Ministry of Home Affairs (Kemendagri)

A 16-digit reading that breaks this structure is not a NIK: OCR misread it (or it was
mistyped), and a check must not treat it as a clean reading.
"""

from __future__ import annotations

from datetime import date

#: Province codes (Permendagri on the codes of administrative areas): Sumatra 11-19, Riau
#: Islands 21, Java 31-36, Bali and Nusa Tenggara 51-53, Kalimantan 61-65, Sulawesi 71-76,
#: Maluku 81-82, Papua 91-97 (the new Papuan provinces included).
PROVINCES: frozenset[int] = frozenset(
    [
        *range(11, 20),
        21,
        *range(31, 37),
        *range(51, 54),
        *range(61, 66),
        *range(71, 77),
        81,
        82,
        *range(91, 98),
    ]
)


def nik_date(
    digits: str, birth_at: int = 6, female_day_offset: int = 40
) -> tuple[int, int, int] | None:
    """(day, month, two-digit year) of the birth date a NIK encodes, women's +40 undone;
    None when the six digits make no real date in either century."""
    if len(digits) < birth_at + 6 or not digits.isdigit():
        return None
    d = int(digits[birth_at : birth_at + 2])
    m = int(digits[birth_at + 2 : birth_at + 4])
    yy = int(digits[birth_at + 4 : birth_at + 6])
    if d > female_day_offset:
        d -= female_day_offset
    for year in (2000 + yy, 1900 + yy):  # 29 February is real in one century only
        try:
            date(year, m, d)
        except ValueError:
            continue
        return d, m, yy
    return None


def nik_plausible(
    digits: str,
    length: int = 16,
    birth_at: int = 6,
    female_day_offset: int = 40,
    provinces: frozenset[int] = PROVINCES,
) -> bool:
    """Whether ``digits`` can be a NIK: the length, a known province, regency and district
    codes not 00, a real birth date and a serial other than 0000."""
    if len(digits) != length or not digits.isdigit():
        return False
    if length == 16:
        if int(digits[:2]) not in provinces:
            return False
        if digits[2:4] == "00" or digits[4:6] == "00" or digits[12:] == "0000":
            return False
    return nik_date(digits, birth_at, female_day_offset) is not None


def one_digit_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one digit replaced: a digit OCR misread, or one mistyped
    (the two look alike: only reading the card again tells them apart)."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def adjacent_swap(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with two neighbouring digits swapped: a typing slip (OCR
    substitutes characters; it does not reorder them)."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )
