"""How dates and amounts are written on documents."""

from __future__ import annotations

import datetime as dt

from ..money import format_yuan, to_chinese_upper

_DIGITS = "〇一二三四五六七八九"


def _number(n: int) -> str:
    """1..31 in Chinese numerals: 十, 十一, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def chinese_date(day: dt.date) -> str:
    """For certificates and seals: 二〇二六年十一月二十七日."""
    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_number(day.month)}月{_number(day.day)}日"


def form_date(day: dt.date | None) -> str:
    """For forms and lists: 2026年11月27日 ('' when there is no date)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def amount_values(name: str, fen: int) -> dict[str, str]:
    """The placeholders an amount offers a template: {name} = 48,200.00 and {name_upper} = 肆万捌仟贰佰元整."""
    return {name: format_yuan(fen), f"{name}_upper": to_chinese_upper(fen)}


def date_values(name: str, day: dt.date | None) -> dict[str, str]:
    """{name} = 2026年3月9日 and {name_chinese} = 二〇二六年三月九日."""
    return {name: form_date(day), f"{name}_chinese": chinese_date(day) if day else ""}

