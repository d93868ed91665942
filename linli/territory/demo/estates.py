"""Estates (many built before 2000) with courtyards and buildings in the urban grids, and a
sample of dwellings and the residents living in them; village grids get residents without
dwellings. Grid household and population figures are planned here, before the regions are
saved, so that every total in the tree adds up."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from linli.accounts.models import Role, RoleAssignment, User
from linli.territory.demo.names import IdNumbers, birth_date, person_name, surname
from linli.territory.demo.people import People
from linli.territory.demo.regions import GridPlan, ScaleSpec, Territory
from linli.territory.models import Building, Courtyard, Dwelling, Estate, Region, Resident

# Ages are counted from this day, not from today, so the same seed gives the same city.
DEMO_TODAY = date(2025, 6, 30)
_WORK_UNITS = [
    "鹤煤",
    "电业局",
    "纺织厂",
    "供销社",
    "粮食局",
    "化工厂",
    "水泥厂",
    "玻璃厂",
    "矿务局",
    "一中",
    "人民医院",
    "百货公司",
    "运输公司",
    "机械厂",
    "烟草公司",
    "邮电局",
    "农机厂",
    "棉纺厂",
    "二建公司",
    "肉联厂",
]
_ESTATE_WORDS = [
    "建业",
    "淇河",
    "朝歌",
    "华夏",
    "锦绣",
    "东方",
    "幸福",
    "金山",
    "翠微",
    "鹤翔",
    "桂园",
    "天赉",
    "福田",
    "盛世",
    "阳光",
    "书香",
    "御景",
    "学府",
    "湖畔",
    "紫荆",
    "香江",
    "云梦",
    "玉兰",
    "明珠",
    "银河",
    "龙岗",
    "凤凰",
    "怡和",
    "丽景",
    "嘉和",
]
_ESTATE_SUFFIXES = ["小区", "花园", "家园", "苑", "新城", "佳苑", "名门", "雅居"]
_ROADS = [
    "九州路",
    "黎阳路",
    "长江路",
    "泰山路",
    "淇河路",
    "兴鹤大街",
    "华山路",
    "黄河路",
    "嵩山路",
    "湘江路",
    "珠江路",
    "朝歌路",
    "红旗街",
    "中山路",
    "新华街",
    "鹤山街",
    "山城路",
    "桂鹤路",
]
_COURTYARDS = ("东院", "西院", "南院", "北院", "一号院", "二号院", "三号院")
_SPECIAL = ("独居老人", "低保户", "残疾人", "退役军人", "留守儿童", "空巢老人")


@dataclass
class BuildingPlan:
    number: str
    floors: int
    units: int
    courtyard: str  # "" when the estate has none

    @property
    def households(self) -> int:
        return self.floors * self.units * 2


@dataclass
class EstatePlan:
    code: str
    name: str
    grid_code: str
    build_year: int
    property_mode: str
    address: str
    lng: float
    lat: float
    buildings: list[BuildingPlan] = field(default_factory=list)
    with_people: bool = False

    @property
    def households(self) -> int:
        return sum(b.households for b in self.buildings)


def plan_estates(plans: list[GridPlan], spec: ScaleSpec, rng: random.Random) -> list[EstatePlan]:
    """Estates for each urban grid, and every grid's households and population."""
    estates: list[EstatePlan] = []
    names: set[str] = set()
    for plan in plans:
        if not plan.urban:
            plan.households = rng.randrange(200, 451)
            plan.population = round(plan.households * rng.uniform(2.6, 3.4))
            continue
        for n in range(1, rng.choice(spec.estates_per_grid) + 1):
            estates.append(_estate(plan, n, names, spec, rng))
        households = sum(e.households for e in estates if e.grid_code == plan.code)
        # Some households live outside any estate (street-front houses, self-built homes).
        plan.households = round(households * rng.uniform(1.05, 1.2))
        plan.population = round(plan.households * rng.uniform(2.4, 2.9))
    return estates


def _estate(
    plan: GridPlan, n: int, names: set[str], spec: ScaleSpec, rng: random.Random
) -> EstatePlan:
    old = rng.random() < 0.55
    year = rng.randrange(1975, 2000) if old else rng.randrange(2000, 2023)
    for attempt in range(20):
        if old:
            name = f"{rng.choice(_WORK_UNITS)}{rng.choice(('家属院', '家属楼', '生活区'))}"
        else:
            name = f"{rng.choice(_ESTATE_WORDS)}{rng.choice(_ESTATE_SUFFIXES)}"
        if attempt > 10:
            name += f"{attempt - 9}号院" if old else f"{'二三四五六七八'[attempt % 7]}期"
        if name not in names:
            break
    names.add(name)
    if old:
        mode = rng.choices(["none", "red", "self_managed", "professional"], [35, 35, 20, 10])[0]
    else:
        mode = rng.choices(["professional", "red", "self_managed"], [75, 15, 10])[0]
    estate = EstatePlan(
        code=f"{plan.code}{n:02d}",
        name=name,
        grid_code=plan.code,
        build_year=year,
        property_mode=mode,
        address=f"{rng.choice(_ROADS)}{rng.randrange(1, 300)}号",
        lng=round(plan.centre[0] + rng.uniform(-0.0006, 0.0006), 6),
        lat=round(plan.centre[1] + rng.uniform(-0.0005, 0.0005), 6),
        with_people=rng.random() < spec.dwelling_share,
    )
    courtyards = rng.sample(_COURTYARDS, rng.randrange(1, 4)) if old else []
    for b in range(1, rng.randrange(2, 9) + 1):
        estate.buildings.append(
            BuildingPlan(
                number=f"{b}号楼",
                floors=rng.randrange(4, 8) if old else rng.choice((6, 11, 18)),
                units=rng.randrange(1, 4) if old else rng.randrange(1, 3),
                courtyard=courtyards[b % len(courtyards)] if courtyards else "",
            )
        )
    return estate


def create_estates(
    territory: Territory,
    people: People,
    estates: list[EstatePlan],
    spec: ScaleSpec,
    rng: random.Random,
) -> None:
    grids = {g.code: g for g in territory.grids}
    companies = {o.service_area.code: o for o in people.orgs if o.kind == "property_company"}
    rows = []
    for plan in estates:
        grid = grids[plan.grid_code]
        company = None
        if plan.property_mode in ("professional", "red"):
            company = companies.get(territory.plans[grid.code].community.code[:9] + "000")
        rows.append(
            Estate(
                code=plan.code,
                name=plan.name,
                grid=grid,
                address=plan.address,
                build_year=plan.build_year,
                building_count=len(plan.buildings),
                households=plan.households,
                floor_area_m2=Decimal(plan.households * rng.randrange(70, 110)),
                property_mode=plan.property_mode,
                property_company=company,
                lng=plan.lng,
                lat=plan.lat,
            )
        )
    Estate.objects.bulk_create(rows, batch_size=1000)

    courtyards: dict[tuple[str, str], Courtyard] = {}
    buildings, sampled = [], []
    for estate, plan in zip(rows, estates, strict=True):
        for n, b in enumerate(plan.buildings):
            yard = None
            if b.courtyard:
                yard = courtyards.get((plan.code, b.courtyard))
                if yard is None:
                    yard = courtyards[plan.code, b.courtyard] = Courtyard(
                        estate=estate, name=b.courtyard, build_year=plan.build_year, households=0
                    )
                yard.households += b.households
            row = Building(
                estate=estate,
                courtyard=yard,
                number=b.number,
                floors=b.floors,
                units=b.units,
                households=b.households,
            )
            buildings.append(row)
            if plan.with_people and n == 0:
                sampled.append(row)
    Courtyard.objects.bulk_create(courtyards.values(), batch_size=1000)
    for row in buildings:
        row.courtyard_id = row.courtyard.pk if row.courtyard else None
    Building.objects.bulk_create(buildings, batch_size=1000)
    _people_in(territory, people, sampled, spec, rng)


def _people_in(
    territory: Territory,
    people: People,
    buildings: list[Building],
    spec: ScaleSpec,
    rng: random.Random,
) -> None:
    dwellings = []
    for building in buildings:
        for unit in range(1, building.units + 1):
            for floor in range(1, building.floors + 1):
                for door in (1, 2):
                    dwellings.append(
                        Dwelling(
                            building=building,
                            unit=str(unit),
                            number=f"{floor}{door:02d}",
                            area_m2=Decimal(rng.randrange(55, 130)),
                            is_rental=rng.random() < 0.12,
                        )
                    )
    Dwelling.objects.bulk_create(dwellings, batch_size=2000)
    ids = IdNumbers()
    residents: list[Resident] = []
    for dwelling in dwellings:
        if rng.random() < 0.75:
            residents += _household(dwelling.building.estate.grid, dwelling, ids, people, rng)
    low, high = spec.village_residents
    for grid in territory.grids:
        if not territory.plans[grid.code].urban:
            for _ in range(rng.randrange(low, high + 1)):
                residents += _household(grid, None, ids, people, rng)
    residents.append(_demo_resident(people, dwellings, ids, rng))
    _accounts(territory, people, residents, spec, rng)
    Resident.objects.bulk_create(residents, batch_size=2000)


def _household(
    grid: Region, dwelling: Dwelling | None, ids: IdNumbers, people: People, rng: random.Random
) -> list[Resident]:
    size = rng.choice((1, 2, 2, 3, 3, 3, 4, 5))
    family = surname(rng)
    head_male = rng.random() < 0.6
    members = [("户主", 28, 85, head_male)]
    if size >= 2:
        members.append(("配偶", 26, 85, not head_male))
    for _ in range(size - 2):
        members.append(("子女", 0, 30, rng.random() < 0.5))
    rows = []
    for relation, low, high, male in members:
        born = birth_date(rng, min_age=low, max_age=high, today=DEMO_TODAY)
        age = (DEMO_TODAY - born).days // 365
        special = ""
        if age >= 70 and size == 1:
            special = "独居老人"
        elif rng.random() < 0.03:
            special = rng.choice(_SPECIAL[1:])
        rows.append(
            Resident(
                name=person_name(rng, male=male, surname=None if relation == "配偶" else family),
                gender=Resident.Gender.MALE if male else Resident.Gender.FEMALE,
                birth_date=born,
                id_number=ids.new(rng, county=grid.code[:6], birth=born, male=male),
                phone=people.phones.new() if age >= 16 and rng.random() < 0.85 else "",
                residency=Resident.Residency.MIGRANT
                if dwelling is not None and dwelling.is_rental
                else Resident.Residency.REGISTERED,
                grid=grid,
                dwelling=dwelling,
                relation_to_head=relation,
                special_group=special,
            )
        )
    return rows


def _demo_resident(
    people: People, dwellings: list[Dwelling], ids: IdNumbers, rng: random.Random
) -> Resident:
    user = people.demo_user(Role.RESIDENT)
    grid = people.demo_grid
    home = next((d for d in dwellings if d.building.estate.grid_id == grid.pk), None)
    born = date(1958, 3, 14)
    return Resident(
        name=user.name,
        gender=Resident.Gender.FEMALE,
        birth_date=born,
        id_number=ids.new(rng, county=grid.code[:6], birth=born, male=False),
        phone=user.phone,
        grid=grid,
        dwelling=home,
        relation_to_head="户主",
        user=user,
    )


def _accounts(
    territory: Territory,
    people: People,
    residents: list[Resident],
    spec: ScaleSpec,
    rng: random.Random,
) -> None:
    """In a share of the grids, one adult resident with a phone also has an account."""
    first_adult: dict[int, Resident] = {}
    for resident in residents:
        if resident.phone and resident.user is None:
            first_adult.setdefault(resident.grid.pk, resident)
    users, roles = [], []
    for grid in territory.grids:
        adult = first_adult.get(grid.pk)
        if adult is None or grid is people.demo_grid:
            continue
        if rng.random() < spec.resident_account_share:
            user = User(phone=adult.phone, name=adult.name, password=people.password_hash)
            users.append(user)
            roles.append(RoleAssignment(user=user, role=Role.RESIDENT, region=grid))
            adult.user = user
    User.objects.bulk_create(users, batch_size=1000)
    for role in roles:
        role.user_id = role.user.pk
    RoleAssignment.objects.bulk_create(roles, batch_size=1000)
