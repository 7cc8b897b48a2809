"""Check characters of Chinese identifiers: 统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643)."""

from __future__ import annotations

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 of a USCC."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """None when code is a valid USCC, else a short English reason (callers translate)."""
    code = code.strip().upper()
    if len(code) != 18:
        return "must be 18 characters"
    bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if bad:
        return "contains characters not allowed: " + "".join(bad)
    if not code[2:8].isdigit():
        return "characters 3-8 must be a region code (digits)"
    if uscc_check_char(code[:17]) != code[17]:
        return "check character is wrong"
    return None


def is_valid_uscc(code: str) -> bool:
    return uscc_problem(code) is None


def id_card_check_char(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_valid_id_card(code: str) -> bool:
    code = code.strip().upper()
    return len(code) == 18 and code[:17].isdigit() and id_card_check_char(code[:17]) == code[17]
