from hypothesis import given
from hypothesis import strategies as st

from linli.lib.masking import mask_id_number, mask_name, mask_phone


def test_it_masks_a_mobile_number_as_offices_print_it():
    assert mask_phone("13812345678") == "138****5678"


def test_it_masks_an_id_number_keeping_area_and_tail():
    assert mask_id_number("410602198801011234") == "410602********1234"


def test_it_masks_names():
    assert mask_name("张明") == "张*"
    assert mask_name("欧阳小明") == "欧**明"


def test_empty_values_mask_to_nothing():
    assert mask_phone("") == mask_id_number(None) == mask_name("") == ""


@given(st.text(alphabet="0123456789", min_size=0, max_size=20))
def test_a_masked_phone_never_shows_the_middle_digits(value):
    masked = mask_phone(value)
    assert len(masked) == len(value)
    if len(value) >= 7:
        assert masked[3:-4] == "*" * (len(value) - 7)
    else:
        assert set(masked) <= {"*"}
