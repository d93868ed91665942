import pytest
from django.core.exceptions import ValidationError

from linli.lib.idcard import check_digit, validate_id_number
from linli.lib.phone import is_mobile, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
    ],
)
def test_it_normalises_mobile_numbers(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "138123456789", "abc", ""])
def test_it_refuses_what_is_not_a_mainland_mobile(value):
    assert not is_mobile(value)


def test_it_accepts_an_id_number_with_the_right_check_character():
    first17 = "11010519491231002"
    validate_id_number(first17 + check_digit(first17))
    assert check_digit(first17) == "X"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("11010519491231002", "17"),
        ("110105194902300021", "出生日期"),
        ("110105194912310021", "校验码"),
    ],
)
def test_it_names_what_is_wrong_with_an_id_number(value, fragment):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_id_number(value)
    assert fragment in info.value.messages[0]
