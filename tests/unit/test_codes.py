"""Check characters: 统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643), vectors from DOMAIN.md."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psp_desktop.codes import (
    USCC_ALPHABET,
    id_card_check_char,
    is_valid_id_card,
    is_valid_uscc,
    uscc_check_char,
    uscc_problem,
)

VALID_USCC = ["91110000600037341L", "91512081MA62K0260E", "52420106MJ1234567Y"]


def test_alphabet_is_31_characters_without_i_o_s_v_z() -> None:
    assert len(USCC_ALPHABET) == len(set(USCC_ALPHABET)) == 31
    assert not set("IOSVZ") & set(USCC_ALPHABET)


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_uscc(code: str) -> None:
    assert uscc_problem(code) is None
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]


def test_uscc_accepts_lower_case_and_surrounding_spaces() -> None:
    assert is_valid_uscc(" 91512081ma62k0260e ")


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91110000600037341M", "check character"),
        ("91110000600037341", "18 characters"),
        ("91110000600037341LL", "18 characters"),
        ("", "18 characters"),
        ("91110000600037341I", "not allowed"),  # I is not in the alphabet
        ("9111000060003734OL", "not allowed"),
        ("911A0000600037341L", "region code"),
    ],
)
def test_invalid_uscc(code: str, problem: str) -> None:
    assert problem in (uscc_problem(code) or "")
    assert not is_valid_uscc(code)


def test_uscc_letters_in_first_positions_are_accepted() -> None:
    """python-stdnum's cn.uscc rejects these (DOMAIN.md); ours must not."""
    for department in "AGJNY":
        prefix = f"{department}1110000MA62K0260"
        assert len(prefix) == 17
        assert is_valid_uscc(prefix + uscc_check_char(prefix))


alphabet_char = st.sampled_from(USCC_ALPHABET)
uscc_prefixes = st.tuples(
    st.text(USCC_ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(uscc_prefixes)
def test_computed_check_char_makes_a_valid_code(prefix: str) -> None:
    check = uscc_check_char(prefix)
    assert check in USCC_ALPHABET
    assert is_valid_uscc(prefix + check)


@given(uscc_prefixes, alphabet_char)
def test_any_other_check_char_is_invalid(prefix: str, last: str) -> None:
    if last == uscc_check_char(prefix):
        assert is_valid_uscc(prefix + last)
    else:
        assert uscc_problem(prefix + last) == "check character is wrong"


@given(uscc_prefixes, st.integers(min_value=0, max_value=16), alphabet_char)
def test_a_single_changed_character_is_caught(prefix: str, position: int, replacement: str) -> None:
    code = prefix + uscc_check_char(prefix)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code and changed[2:8].isdigit():
        assert not is_valid_uscc(changed)


def test_id_card_vector() -> None:
    assert is_valid_id_card("11010519491231002X")
    assert is_valid_id_card("11010519491231002x")
    assert id_card_check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    "code", ["110105194912310021", "11010519491231002", "11010519491231002XX", "1101051949123100AX", ""]
)
def test_invalid_id_cards(code: str) -> None:
    assert not is_valid_id_card(code)


@given(st.text("0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_id_card_exactly_one_check_char_fits(first17: str, last: str) -> None:
    assert is_valid_id_card(first17 + last) == (last == id_card_check_char(first17))
