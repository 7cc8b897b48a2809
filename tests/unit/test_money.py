"""Money at the edges: 人民币大写 (DOMAIN.md vectors), reading and writing yuan, splitting into tranches."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psp_desktop.money import (
    MAX_FEN,
    MoneyError,
    format_wan,
    format_yuan,
    parse_yuan,
    split_by_weights,
    to_chinese_upper,
)

# --- 人民币大写 -----------------------------------------------------------------------------------------------

# DOMAIN.md "Exact algorithms and test vectors"; where DOMAIN.md allows two forms, money.py's docstring picks
# the one with 零 written after a 元 digit of 0 (捌拾元零叁角贰分, 柒仟元零伍角叁分).
DOMAIN_VECTORS = [
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("50000.00", "伍万元整"),
]

MORE_VECTORS = [
    ("0", "零元整"),
    ("0.05", "伍分"),  # a zero 元 part is omitted
    ("0.50", "伍角"),
    ("0.55", "伍角伍分"),
    ("1.05", "壹元零伍分"),
    ("10.05", "壹拾元零伍分"),  # one 零 only, even though both the 元 digit and 角 are 0
    ("10", "壹拾元整"),
    ("100000.50", "壹拾万元零伍角"),
    ("1010", "壹仟零壹拾元整"),
    ("10010", "壹万零壹拾元整"),
    ("100000001", "壹亿零壹元整"),
    ("10000100", "壹仟万零壹佰元整"),
    ("100010000", "壹亿零壹万元整"),
    ("10000000000", "壹佰亿元整"),  # MAX_FEN
]


@pytest.mark.parametrize(("yuan", "expected"), DOMAIN_VECTORS + MORE_VECTORS)
def test_chinese_upper_vectors(yuan: str, expected: str) -> None:
    assert to_chinese_upper(parse_yuan(yuan)) == expected


def test_chinese_upper_negative_is_prefixed() -> None:
    assert to_chinese_upper(-132504) == "负" + to_chinese_upper(132504)


_DIGIT = {ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def _parse_integer_upper(text: str) -> int:
    """An independent reader of the 元 part: 壹拾万柒仟 → 107000 (handles 万, 亿 and 万亿)."""
    total = 0  # the part at or above 亿
    below_yi = 0  # the 万 part below 亿
    section = 0  # below 万
    digit: int | None = None
    for ch in text:
        if ch in _DIGIT:
            assert digit is None or digit == 0, f"two digits in a row in {text!r}"
            digit = _DIGIT[ch]
        elif ch in _SMALL:
            assert digit, f"unit {ch} without a digit in {text!r}"
            section += digit * _SMALL[ch]
            digit = None
        elif ch == "万":
            below_yi += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        elif ch == "亿":
            total = (total + below_yi + section + (digit or 0)) * 10**8
            below_yi, section, digit = 0, 0, None
        else:
            raise AssertionError(f"unexpected {ch!r} in {text!r}")
    return total + below_yi + section + (digit or 0)


def _parse_chinese_upper(text: str) -> int:
    """Fen from 人民币大写, written independently of money.py for the round-trip property."""
    if text.startswith("负"):
        return -_parse_chinese_upper(text[1:])
    if text == "零元整":
        return 0
    fen = 0
    if "元" in text:
        integer, text = text.split("元")
        fen = _parse_integer_upper(integer) * 100
    if text == "整":
        return fen
    text = text.removeprefix("零")
    if "角" in text:
        jiao, text = text.split("角")
        assert len(jiao) == 1, jiao
        fen += _DIGIT[jiao] * 10
    if "分" in text:
        fen_digit, text = text.split("分")
        assert len(fen_digit) == 1, fen_digit
        fen += _DIGIT[fen_digit]
    assert text == "", f"trailing {text!r}"
    return fen


amounts = st.one_of(
    st.integers(min_value=0, max_value=MAX_FEN),
    # amounts with many zero digits exercise the 零 rules much harder than uniform integers
    st.lists(st.sampled_from("0000000123456789"), min_size=1, max_size=12).map(lambda ds: int("".join(ds))),
)


@given(amounts)
def test_chinese_upper_round_trips(fen: int) -> None:
    assert _parse_chinese_upper(to_chinese_upper(fen)) == fen


@given(amounts)
def test_chinese_upper_has_single_zeros_and_right_ending(fen: int) -> None:
    text = to_chinese_upper(fen)
    assert "零零" not in text
    assert text.count("整") <= 1
    if fen % 100 == 0:
        assert text.endswith("元整")
    elif fen % 10 == 0:
        assert text.endswith("角")
    else:
        assert text.endswith("分")
    assert not text.startswith("零") or text == "零元整"
    assert "零元" not in text or text == "零元整"  # the integer part never ends in 零


@given(st.integers(min_value=1, max_value=MAX_FEN))
def test_chinese_upper_negative_property(fen: int) -> None:
    assert _parse_chinese_upper(to_chinese_upper(-fen)) == -fen


# --- reading amounts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,234.50", 123450),
        ("1,234.5", 123450),
        ("¥50000", 5000000),
        ("￥50000", 5000000),
        ("3万", 3000000),
        ("1.5万", 1500000),
        ("12.3456万", 12345600),
        ("50万元", 50000000),
        ("1，000元", 100000),
        ("  12.5 ", 1250),
        ("0.01", 1),
        ("0", 0),
        ("-3.20", -320),
        ("1.230", 123),  # trailing zeros are not extra precision
        (Decimal("12.34"), 1234),
        (5, 500),
    ],
)
def test_parse_yuan_accepts(text: str | int | Decimal, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("value", [12.5, 0.1, 1e5, True, False])
def test_parse_yuan_refuses_floats_and_bools(value: object) -> None:
    with pytest.raises(MoneyError):
        parse_yuan(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["1.234", "0.001", "1.23456789万", Decimal("1.005")])
def test_parse_yuan_refuses_more_than_two_decimals(text: str | Decimal) -> None:
    with pytest.raises(MoneyError, match="decimals"):
        parse_yuan(text)


@pytest.mark.parametrize(
    "text", ["", "   ", "abc", "1.2.3", "--5", "NaN", "Infinity", "-inf", "五十", "12元5角", "1 000", "万", "¥"]
)
def test_parse_yuan_refuses_garbage(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_yuan(text)


@pytest.mark.parametrize("text", ["1e5", "1E2", "1_000", "+5", "0x10"])
def test_parse_yuan_refuses_exponents_and_underscores(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_yuan(text)


def test_money_error_is_a_value_error() -> None:
    assert issubclass(MoneyError, ValueError)


# --- writing amounts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "text"),
    [(12345678, "123,456.78"), (0, "0.00"), (5, "0.05"), (100, "1.00"), (-105, "-1.05"), (10**12, "10,000,000,000.00")],
)
def test_format_yuan(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


def test_format_yuan_without_grouping() -> None:
    assert format_yuan(12345678, grouping=False) == "123456.78"


@pytest.mark.parametrize(
    ("fen", "text"), [(50_000_000, "50万"), (12_500_000, "12.5万"), (300_000, "3,000.00"), (12_345_678, "123,456.78")]
)
def test_format_wan(fen: int, text: str) -> None:
    assert format_wan(fen) == text


@given(st.integers(min_value=-MAX_FEN, max_value=MAX_FEN), st.booleans())
def test_format_then_parse_round_trips(fen: int, grouping: bool) -> None:
    assert parse_yuan(format_yuan(fen, grouping=grouping)) == fen


# --- splitting into tranches ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),  # ties go to the earlier tranche
        (10000, [40, 40, 20], [4000, 4000, 2000]),
        (5000001, [50, 50], [2500001, 2500000]),
        (7, [0, 1, 0], [0, 7, 0]),
        (0, [3, 7], [0, 0]),
    ],
)
def test_split_vectors(total: int, weights: list[int], parts: list[int]) -> None:
    assert split_by_weights(total, weights) == parts


@given(
    st.integers(min_value=0, max_value=MAX_FEN),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8).filter(any),
)
def test_split_parts_sum_exactly_and_stay_proportional(total: int, weights: list[int]) -> None:
    parts = split_by_weights(total, weights)
    whole = sum(weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        assert part >= 0
        assert abs(part * whole - total * weight) < whole  # within one fen of the exact share
        if weight == 0:
            assert part == 0


@given(st.integers(min_value=0, max_value=MAX_FEN), st.integers(min_value=1, max_value=12))
def test_split_equal_weights_differ_by_at_most_one_fen_earliest_first(total: int, n: int) -> None:
    parts = split_by_weights(total, [1] * n)
    assert max(parts) - min(parts) <= 1
    assert parts == sorted(parts, reverse=True)


@pytest.mark.parametrize(("total", "weights"), [(-1, [1]), (100, []), (100, [0, 0]), (100, [2, -1])])
def test_split_refuses_bad_input(total: int, weights: list[int]) -> None:
    with pytest.raises(MoneyError):
        split_by_weights(total, weights)


@pytest.mark.parametrize("text", ["10000000001", "-10000000001", "20000000万"])
def test_parse_yuan_refuses_absurd_amounts(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_yuan(text)
