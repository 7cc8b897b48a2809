"""Money is integer fen (分) everywhere; this module converts at the edges.

One form of 人民币大写 is used everywhere: a zero 元 part with 角/分 is omitted (伍角); 零 is written after 元
when the 元 digit is 0 and 角/分 follow (捌拾元零叁角贰分, 柒仟元零伍角); a zero 角 before 分 is written 零
(零肆分); 整 follows 元 when there are no 角/分.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_FEN = 10**12  # one hundred billion yuan: anything above is a typing error, not a grant

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")
_AMOUNT_RE = re.compile(r"^-?\d+(?:\.\d+)?$")  # plain decimals only: no exponents, underscores or signs like '+'



class MoneyError(ValueError):
    """An amount that cannot be read as yuan with at most two decimals."""


def parse_yuan(text: str | int | Decimal) -> int:
    """Read an amount in yuan ("1,234.5", "¥50000", "3万", Decimal) and return fen. Floats are refused."""
    if isinstance(text, (bool, float)):
        raise MoneyError(f"amount must be text or Decimal, not {type(text).__name__}")
    if isinstance(text, int):
        return _decimal_to_fen(Decimal(text))
    if isinstance(text, Decimal):
        return _decimal_to_fen(text)
    cleaned = text.strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    cleaned = cleaned.removesuffix("元").strip()
    scale = 1
    if cleaned.endswith("万"):
        scale, cleaned = 10_000, cleaned[:-1].strip()
    if not _AMOUNT_RE.match(cleaned):
        raise MoneyError(f"not an amount: {text!r}")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise MoneyError(f"not an amount: {text!r}") from exc
    return _decimal_to_fen(value * scale)


def _decimal_to_fen(value: Decimal) -> int:
    fen = value * 100
    if fen != fen.to_integral_value():
        raise MoneyError(f"more than two decimals: {value}")
    if abs(fen) > MAX_FEN:
        raise MoneyError(f"amount too large: {value}")
    return int(fen)


def format_yuan(fen: int, *, grouping: bool = True) -> str:
    """12345678 → '123,456.78' (no currency sign)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    whole = f"{yuan:,}" if grouping else str(yuan)
    return f"{sign}{whole}.{cents:02d}"


def format_wan(fen: int) -> str:
    """Amounts as staff say them: 50万, 12.5万, 3,000."""
    if abs(fen) >= 1_000_000 and fen % 100_000 == 0:  # whole thousands of yuan: show in 万
        wan = Decimal(fen) / 1_000_000
        return f"{wan.normalize():f}万"
    return format_yuan(fen)


def _four_digits(group: int) -> str:
    """Uppercase for 0 < group < 10000, with 零 for inner zero runs, no leading/trailing 零."""
    out: list[str] = []
    pending_zero = False
    for power in range(3, -1, -1):
        digit = group // 10**power % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[power])
    return "".join(out)


def _integer_upper(yuan: int) -> str:
    groups: list[int] = []
    while yuan:
        yuan, rest = divmod(yuan, 10_000)
        groups.append(rest)
    out = ""
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or group < 1000):
            out += "零"
        out += _four_digits(group) + _BIG_UNITS[index]
        need_zero = False
    return out


def to_chinese_upper(fen: int) -> str:
    """人民币大写 of an amount in fen: 140950 → 壹仟肆佰零玖元伍角."""
    if fen < 0:
        return "负" + to_chinese_upper(-fen)
    yuan, rest = divmod(fen, 100)
    jiao, fen_digit = divmod(rest, 10)
    if fen == 0:
        return "零元整"
    head = _integer_upper(yuan) + "元" if yuan else ""
    if not jiao and not fen_digit:
        return head + "整"
    tail = "零" if yuan and yuan % 10 == 0 else ""
    if jiao:
        tail += _DIGITS[jiao] + "角"
    elif yuan and not tail:
        tail += "零"
    if fen_digit:
        tail += _DIGITS[fen_digit] + "分"
    return head + tail


def split_by_weights(total_fen: int, weights: list[int]) -> list[int]:
    """Split total into parts proportional to weights (largest remainder): parts sum exactly to total."""
    if total_fen < 0:
        raise MoneyError("cannot split a negative amount")
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise MoneyError("weights must be non-negative and not all zero")
    whole = sum(weights)
    parts = [total_fen * w // whole for w in weights]
    remainders = [total_fen * w % whole for w in weights]
    short = total_fen - sum(parts)
    # ties go to the earlier tranche so the split is deterministic
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:short]:
        parts[i] += 1
    return parts
