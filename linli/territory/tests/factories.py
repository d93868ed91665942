"""Territory factories. Regions are created through the service so paths are right."""

import factory

from linli.territory.models import Building, Courtyard, Dwelling, Estate, Region, Resident
from linli.territory.services import create_region


def square(lng: float, lat: float, size: float = 0.002) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
        ],
    }


class _RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return create_region(audit=False, **kwargs)


class CityFactory(_RegionFactory):
    code = factory.Sequence(lambda n: f"41{n:02d}00000000")
    name = factory.Sequence(lambda n: f"测试市{n}")
    level = Region.Level.CITY
    kind = Region.Kind.CITY
    parent = None


class DistrictFactory(_RegionFactory):
    parent = factory.SubFactory(CityFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code[:4]}{n % 99 + 1:02d}000000")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Region.Level.DISTRICT
    kind = Region.Kind.DISTRICT


class SubdistrictFactory(_RegionFactory):
    parent = factory.SubFactory(DistrictFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code[:6]}{n % 999 + 1:03d}000")
    name = factory.Sequence(lambda n: f"测试街道{n}")
    level = Region.Level.SUBDISTRICT
    kind = Region.Kind.SUBDISTRICT


class CommunityFactory(_RegionFactory):
    parent = factory.SubFactory(SubdistrictFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code[:9]}{n % 999 + 1:03d}")
    name = factory.Sequence(lambda n: f"测试社区{n}")
    level = Region.Level.COMMUNITY
    kind = Region.Kind.COMMUNITY


class GridFactory(_RegionFactory):
    parent = factory.SubFactory(CommunityFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}G{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}网格")
    level = Region.Level.GRID
    kind = Region.Kind.GENERAL_GRID
    geometry = factory.Sequence(
        lambda n: square(114.3 + (n % 50) * 0.003, 35.7 + (n // 50) * 0.003)
    )
    households = 300
    population = 900


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Estate

    code = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"幸福{n}小区")
    grid = factory.SubFactory(GridFactory)
    build_year = 1995
    building_count = 6
    households = 240
    floor_area_m2 = 18000


class CourtyardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Courtyard

    estate = factory.SubFactory(EstateFactory)
    name = factory.Sequence(lambda n: f"家属院{n}")
    build_year = 1988


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    number = factory.Sequence(lambda n: f"{n + 1}号楼")
    floors = 6
    units = 3
    households = 36


class DwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dwelling

    building = factory.SubFactory(BuildingFactory)
    unit = "1"
    number = factory.Sequence(lambda n: f"{100 + n}")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    name = factory.Sequence(lambda n: f"居民{n}")
    gender = Resident.Gender.FEMALE
    grid = factory.SubFactory(GridFactory)
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    id_number = ""
