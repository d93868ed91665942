"""The demo city's organisations and the people who work in it, in every role, plus the
fixed demo logins listed on the home page.

The demo logins have the same phone numbers, names and password at every scale and seed;
generated people share one password hash (hashing is the slow part of creating users).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from linli.accounts.models import (
    DemoLogin,
    Organization,
    OrganizationMembership,
    ResponderKind,
    Role,
    RoleAssignment,
    User,
)
from linli.territory.demo.names import PhoneBook, credit_code, person_name
from linli.territory.demo.regions import Territory
from linli.territory.models import Region

DEMO_PASSWORD = "linli-demo"  # noqa: S105 (shown on the home page in demo mode)
DEMO_GRID_COMMUNITY = "410611002001"  # 淇滨区 九州路街道 桂鹤社区
DEMO_TOWNSHIP = "410611002000"  # 九州路街道
Kind = Organization.Kind


@dataclass(frozen=True)
class DemoAccount:
    role: str
    kind: str  # responder kind, "" for other roles
    phone: str
    name: str
    region: str  # "city", "district", "township", "community" or "grid" (of the demo home)
    organization: str = ""  # key into People.named_orgs


DEMO_ACCOUNTS = (
    DemoAccount(Role.ADMIN, "", "18600000001", "陈立新", "city"),
    DemoAccount(Role.LEADER, "", "18600000002", "王国华", "city"),
    DemoAccount(Role.DISPATCHER, "", "18600000003", "李明远", "township"),
    DemoAccount(Role.PROGRAMME_STAFF, "", "18600000004", "赵慧敏", "city", "housing"),
    DemoAccount(Role.GRID_LEADER, "", "18600000005", "张秀兰", "community"),
    DemoAccount(Role.GRID_WORKER, "", "18600000006", "刘晓燕", "grid"),
    DemoAccount(
        Role.RESPONDER, ResponderKind.PARTY_MEMBER, "18600000007", "杨志强", "community", "branch"
    ),
    DemoAccount(
        Role.RESPONDER, ResponderKind.VOLUNTEER, "18600000008", "孙丽娟", "township", "volunteers"
    ),
    DemoAccount(
        Role.RESPONDER, ResponderKind.MERCHANT, "18600000009", "郭海峰", "community", "merchant"
    ),
    DemoAccount(
        Role.RESPONDER,
        ResponderKind.PROPERTY_COMPANY,
        "18600000010",
        "马建军",
        "township",
        "property",
    ),
    DemoAccount(
        Role.RESPONDER, ResponderKind.DEPARTMENT, "18600000011", "吴振东", "city", "city_management"
    ),
    DemoAccount(Role.RESIDENT, "", "18600000012", "黄桂英", "grid"),
)

# City departments (handling units); the first five also run programmes.
CITY_DEPARTMENTS = (
    ("city_management", "鹤壁市城市管理局"),
    ("housing", "鹤壁市住房和城乡建设局"),
    ("market", "鹤壁市市场监督管理局"),
    ("civilisation", "中共鹤壁市委精神文明建设办公室"),
    ("ecology", "鹤壁市生态环境局"),
    ("water", "鹤壁市水利局"),
    ("police", "鹤壁市公安局"),
    ("emergency", "鹤壁市应急管理局"),
    ("civil_affairs", "鹤壁市民政局"),
    ("health", "鹤壁市卫生健康委员会"),
    ("transport", "鹤壁市交通运输局"),
    ("planning", "鹤壁市自然资源和规划局"),
    ("power", "国网鹤壁供电公司"),
    ("tap_water", "鹤壁市自来水有限责任公司"),
    ("gas", "鹤壁市天然气有限公司"),
)
PROGRAMME_BODIES = ("city_management", "housing", "market", "civilisation", "union")
_COMPANY_WORDS = "鑫源 华晟 恒泰 瑞祥 佳美 安居 宏达 鹤城 淇水 朝歌 金诚 嘉禾 润泽 盛安 永信 和顺"
_SHOPS = ("便民超市", "家电维修部", "开锁服务部", "大药房", "五金建材店", "水电维修部", "早餐店")
_SHOP_WORDS = "好邻居 惠民 老王 顺心 百姓 家和 福满 诚信 兴旺 阳光 如意 平安 利民 鑫鑫"


@dataclass
class People:
    rng: random.Random
    territory: Territory
    password_hash: str
    phones: PhoneBook
    users: list[User] = field(default_factory=list)
    roles: list[RoleAssignment] = field(default_factory=list)
    memberships: list[OrganizationMembership] = field(default_factory=list)
    orgs: list[Organization] = field(default_factory=list)
    named_orgs: dict[str, Organization] = field(default_factory=dict)
    demo_users: dict[DemoAccount, User] = field(default_factory=dict)
    grid_workers: dict[str, User] = field(default_factory=dict)
    demo_grid: Region = field(init=False)

    def demo_user(self, role: str, kind: str = "") -> User:
        return next(u for a, u in self.demo_users.items() if a.role == role and a.kind == kind)

    def person(self, *, phone: str | None = None, name: str | None = None) -> User:
        male = self.rng.random() < 0.5
        user = User(
            phone=phone or self.phones.new(),
            name=name or person_name(self.rng, male=male),
            password=self.password_hash,
        )
        self.users.append(user)
        return user

    def assign(
        self,
        user: User,
        role: str,
        region: Region,
        *,
        kind: str = "",
        org: Organization | None = None,
        title: str = "",
    ) -> None:
        self.roles.append(
            RoleAssignment(
                user=user, role=role, region=region, responder_kind=kind, organization=org
            )
        )
        if org is not None:
            self.memberships.append(
                OrganizationMembership(organization=org, user=user, title=title)
            )

    def org(
        self, name: str, kind: str, area: Region, *, registry: str = "", key: str = ""
    ) -> Organization:
        """registry: the credit code's first two characters ("" for none, as for a branch)."""
        county = area.code[:6] if area.level > Region.Level.CITY else "410600"
        code = credit_code(self.rng, registry=registry, county=county) if registry else ""
        org = Organization(
            name=name,
            kind=kind,
            service_area=area,
            credit_code=code,
            contact_phone=f"0392-{self.rng.randrange(2000000, 7999999)}",
        )
        self.orgs.append(org)
        if key:
            self.named_orgs[key] = org
        return org


def build_people(territory: Territory, rng: random.Random) -> People:
    """Organisations, people and their roles; rows are saved by save_people()."""
    people = People(
        rng=rng,
        territory=territory,
        password_hash=make_password(DEMO_PASSWORD),
        phones=PhoneBook(rng),
    )
    _organisations(people)
    for account in DEMO_ACCOUNTS:
        people.demo_users[account] = people.person(phone=account.phone, name=account.name)
    _staff(people)
    return people


def _organisations(p: People) -> None:
    t, rng = p.territory, p.rng
    city = t.city
    for key, name in CITY_DEPARTMENTS:
        p.org(name, Kind.DEPARTMENT, city, registry="11", key=key)
    p.org("鹤壁市总工会", Kind.UNION, city, registry="81", key="union")
    p.org("鹤壁市新时代文明实践志愿服务总队", Kind.VOLUNTEER_TEAM, city, registry="53")
    p.org("鹤壁市社会工作协会", Kind.SOCIAL_ORGANIZATION, city, registry="51")
    companies = _COMPANY_WORDS.split()
    rng.shuffle(companies)
    for district in t.districts:
        p.org(f"{district.name}城市管理局", Kind.DEPARTMENT, district, registry="11")
        p.org(f"{district.name}总工会", Kind.UNION, district, registry="81")
        p.org(
            f"{district.name}{rng.choice(['仁和', '同心', '暖阳', '益民'])}社会工作服务中心",
            Kind.SOCIAL_ORGANIZATION,
            district,
            registry="52",
        )
    for n, township in enumerate(t.townships):
        p.org(f"{township.name}志愿服务队", Kind.VOLUNTEER_TEAM, township, registry="53")
        if township.kind == Region.Kind.SUBDISTRICT:
            word = companies[n % len(companies)]
            suffix = "" if n < len(companies) else str(n // len(companies) + 1)
            p.org(
                f"鹤壁{word}{suffix}物业服务有限公司",
                Kind.PROPERTY_COMPANY,
                township,
                registry="91",
                key=f"property:{township.code}",
            )
    for community in t.communities:
        p.org(f"中共{community.name}支部委员会", Kind.PARTY_BRANCH, community,
              key=f"branch:{community.code}")  # fmt: skip
        if community.kind == Region.Kind.COMMUNITY:
            shop = f"{rng.choice(_SHOP_WORDS.split())}{rng.choice(_SHOPS)}"
            p.org(f"{community.name}{shop}", Kind.MERCHANT, community, registry="92",
                  key=f"merchant:{community.code}")  # fmt: skip
    p.named_orgs["branch"] = p.named_orgs[f"branch:{DEMO_GRID_COMMUNITY}"]
    p.named_orgs["merchant"] = p.named_orgs[f"merchant:{DEMO_GRID_COMMUNITY}"]
    p.named_orgs["property"] = p.named_orgs[f"property:{DEMO_TOWNSHIP}"]
    p.named_orgs["volunteers"] = next(
        o for o in p.orgs if o.kind == Kind.VOLUNTEER_TEAM and o.service_area.code == DEMO_TOWNSHIP
    )


def _staff(p: People) -> None:
    t = p.territory
    demo_home = {
        "city": t.city,
        "township": t.by_code[DEMO_TOWNSHIP],
        "community": t.by_code[DEMO_GRID_COMMUNITY],
        "grid": next(g for g in t.grids if g.parent_id == t.by_code[DEMO_GRID_COMMUNITY].pk),
    }
    for account, user in p.demo_users.items():
        org = p.named_orgs.get(account.organization) if account.organization else None
        p.assign(user, account.role, demo_home[account.region], kind=account.kind, org=org)
        if account.role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
    demo_grid = p.demo_grid = demo_home["grid"]
    demo_leader = p.demo_user(Role.GRID_LEADER)

    for district in t.districts:
        p.assign(p.person(), Role.LEADER, district)
    p.assign(p.person(), Role.DISPATCHER, t.city)  # the city's command centre
    for township in t.townships:
        p.assign(p.person(), Role.DISPATCHER, township)
    for key in PROGRAMME_BODIES:
        p.assign(p.person(), Role.PROGRAMME_STAFF, t.city, org=p.named_orgs[key], title="科员")
    for org in p.orgs:
        kind = {
            Kind.DEPARTMENT: ResponderKind.DEPARTMENT,
            Kind.PROPERTY_COMPANY: ResponderKind.PROPERTY_COMPANY,
            Kind.MERCHANT: ResponderKind.MERCHANT,
            Kind.VOLUNTEER_TEAM: ResponderKind.VOLUNTEER,
            Kind.PARTY_BRANCH: ResponderKind.PARTY_MEMBER,
        }.get(Kind(org.kind))
        if kind is not None:
            title = (
                "负责人" if kind in (ResponderKind.MERCHANT, ResponderKind.PROPERTY_COMPANY) else ""
            )
            p.assign(p.person(), Role.RESPONDER, org.service_area, kind=kind, org=org, title=title)
    for community in t.communities:
        leader = demo_leader if community.code == DEMO_GRID_COMMUNITY else p.person()
        if leader is not demo_leader:
            p.assign(leader, Role.GRID_LEADER, community)
    for grid in t.grids:
        worker = p.demo_user(Role.GRID_WORKER) if grid is demo_grid else p.person()
        if grid is not demo_grid:
            p.assign(worker, Role.GRID_WORKER, grid)
        p.grid_workers[grid.code] = worker


def save_people(p: People) -> None:
    Organization.objects.bulk_create(p.orgs, batch_size=1000)
    User.objects.bulk_create(p.users, batch_size=1000)
    for row in p.roles:
        row.user_id, row.region_id = row.user.pk, row.region.pk
        row.organization_id = row.organization.pk if row.organization else None
    RoleAssignment.objects.bulk_create(p.roles, batch_size=1000)
    for m in p.memberships:
        m.user_id, m.organization_id = m.user.pk, m.organization.pk
    OrganizationMembership.objects.bulk_create(p.memberships, batch_size=1000)
    DemoLogin.objects.bulk_create(
        DemoLogin(
            user=user,
            role=account.role,
            responder_kind=account.kind,
            password=DEMO_PASSWORD,
            sort_order=n,
        )
        for n, (account, user) in enumerate(p.demo_users.items())
    )
