"""Role × region: who sees which regions and people. One matrix over every role and every
region level, against the one place that decides it (linli.territory.permissions)."""

import pytest
from django.http import Http404

from linli.accounts.models import Role
from linli.territory import permissions
from linli.territory.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

LEVELS = ["city", "district1", "subdistrict1", "community1", "grid1a"]
# What a role held at each level reaches: the regions of tree (by key) it may see.
REACH = {
    "city": {
        "city",
        "district1",
        "subdistrict1",
        "community1",
        "grid1a",
        "grid1b",
        "district2",
        "subdistrict2",
        "community2",
        "grid2a",
        "grid2b",
    },
    "district1": {"district1", "subdistrict1", "community1", "grid1a", "grid1b"},
    "subdistrict1": {"subdistrict1", "community1", "grid1a", "grid1b"},
    "community1": {"community1", "grid1a", "grid1b"},
    "grid1a": {"grid1a"},
}
TERRITORY_ROLES = sorted(permissions.TERRITORY_ROLES)
PEOPLE_ROLES = sorted(permissions.PEOPLE_ROLES)
NO_TERRITORY_ROLES = sorted(set(Role.values) - set(permissions.TERRITORY_ROLES))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", TERRITORY_ROLES)
def test_a_territory_role_sees_its_region_and_below_only(city_tree, make_user, role, level):
    user = make_user(role, city_tree[level])
    visible = set(permissions.visible_regions(user).values_list("pk", flat=True))
    assert visible == {city_tree[k].pk for k in REACH[level]}
    for key, region in city_tree.items():
        if key in REACH[level]:
            assert permissions.get_region_for(user, region.code) == region
        else:
            with pytest.raises(Http404):
                permissions.get_region_for(user, region.code)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", NO_TERRITORY_ROLES)
def test_residents_and_responders_see_no_territory(city_tree, make_user, role, level):
    user = make_user(role, city_tree[level])
    assert not permissions.visible_regions(user).exists()
    with pytest.raises(Http404):
        permissions.get_region_for(user, city_tree[level].code)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", sorted(Role.values))
def test_people_are_visible_by_role_and_region(city_tree, make_user, role, level):
    people = {key: ResidentFactory(grid=city_tree[key]) for key in ("grid1a", "grid1b", "grid2a")}
    user = make_user(role, city_tree[level])
    visible = set(permissions.visible_residents(user))
    expected = (
        {p for key, p in people.items() if key in REACH[level]} if role in PEOPLE_ROLES else set()
    )
    assert visible == expected
    for person in people.values():
        allowed = person in expected and role in permissions.REVEAL_ROLES
        assert permissions.can_reveal(user, person) is allowed


def test_a_resident_sees_only_their_own_record(city_tree, make_user):
    user = make_user(Role.RESIDENT, city_tree["grid1a"])
    mine = ResidentFactory(grid=city_tree["grid1a"], user=user)
    ResidentFactory(grid=city_tree["grid1a"])
    assert list(permissions.visible_residents(user)) == [mine]
    assert permissions.can_reveal(user, mine)
    assert permissions.get_resident_for(user, mine.pk) == mine


def test_a_role_in_two_grids_sees_both(city_tree, make_user):
    from linli.accounts.tests.factories import RoleFactory

    user = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    RoleFactory(user=user, role=Role.GRID_WORKER, region=city_tree["grid2b"])
    visible = set(permissions.visible_regions(user))
    assert visible == {city_tree["grid1a"], city_tree["grid2b"]}


def test_an_inactive_role_grants_nothing(city_tree, make_user):
    user = make_user(Role.LEADER, city_tree["city"])
    user.roles.update(is_active=False)
    assert not permissions.visible_regions(user).exists()


def test_a_deactivated_user_sees_nothing(city_tree, make_user):
    user = make_user(Role.ADMIN, city_tree["city"])
    user.is_active = False
    assert not permissions.visible_regions(user).exists()


def test_a_superuser_is_an_admin_of_everything(city_tree, make_user):
    user = make_user(is_superuser=True)
    assert permissions.visible_regions(user).count() == len(city_tree)
    assert permissions.can_edit_territory(user)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_admins_edit_the_territory(city_tree, make_user, role):
    user = make_user(role, city_tree["city"])
    assert permissions.can_edit_territory(user) is (role == Role.ADMIN)
