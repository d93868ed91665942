import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from linli.accounts.models import Role
from linli.accounts.tests.factories import PASSWORD
from linli.territory.models import Estate, Region, Resident
from linli.territory.tests.factories import square

pytestmark = pytest.mark.django_db

KINDS = [("grids", "geojson"), ("regions", "xlsx"), ("estates", "xlsx"), ("people", "xlsx")]


@pytest.fixture
def admin_client(client, make_user, city_tree):
    user = make_user(Role.ADMIN, city_tree["city"])
    client.login(phone=user.phone, password=PASSWORD)
    return client


def upload(client, kind, name, content, **data):
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("territory:import_upload", args=[kind]), {"file": file, **data})


def test_the_index_lists_every_kind_with_its_template(admin_client):
    r = admin_client.get(reverse("territory:imports"))
    assert r.status_code == 200
    page = r.content.decode()
    assert "区域数据导入" in page
    for kind, fmt in KINDS:
        assert reverse("territory:import_template", args=[kind, fmt]) in page
        assert reverse("territory:import_upload", args=[kind]) in page


@pytest.mark.parametrize(
    ("role", "region"),
    [
        (Role.GRID_WORKER, "grid1a"),
        (Role.LEADER, "city"),
        (Role.DISPATCHER, "city"),
        (Role.RESIDENT, "grid1a"),
    ],
)
def test_people_who_are_not_admins_get_404_everywhere(client, make_user, city_tree, role, region):
    user = make_user(role, city_tree[region])
    client.login(phone=user.phone, password=PASSWORD)
    urls = [reverse("territory:imports")]
    for kind, fmt in KINDS:
        urls += [
            reverse("territory:import_upload", args=[kind]),
            reverse("territory:import_template", args=[kind, fmt]),
        ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    r = upload(client, "grids", "g.geojson", b"{}")
    assert r.status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    r = client.get(reverse("territory:imports"))
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


def test_unknown_kinds_and_formats_are_404(admin_client):
    assert admin_client.get(reverse("territory:import_upload", args=["cats"])).status_code == 404
    assert (
        admin_client.get(reverse("territory:import_template", args=["grids", "xlsx"])).status_code
        == 404
    )


def test_a_superuser_may_import(client, make_user, city_tree):
    user = make_user(None, None, is_superuser=True, is_staff=True)
    client.login(phone=user.phone, password=PASSWORD)
    assert client.get(reverse("territory:imports")).status_code == 200


def test_the_upload_page_shows_every_problem_and_writes_nothing(admin_client, city_tree):
    code = city_tree["community1"].code
    features = [
        {
            "type": "Feature",
            "properties": {"code": f"P-{i}", "name": f"网格{i}", "parent_code": code},
            "geometry": square(114.0 + i * 0.001, 36.5, 0.002),
        }
        for i in range(2)
    ]
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    r = upload(admin_client, "grids", "grids.geojson", content)
    page = r.content.decode()
    assert r.status_code == 200
    assert "文件未通过检查：共1个问题，未写入任何数据。" in page
    assert "要素 2（P-1 网格1）" in page and "重叠" in page
    assert not Region.objects.filter(code__startswith="P-").exists()


def test_a_clean_upload_shows_the_counts(admin_client, city_tree):
    code = city_tree["community1"].code
    feature = {
        "type": "Feature",
        "properties": {"code": "P-1", "name": "网格", "parent_code": code},
        "geometry": square(114.0, 36.5, 0.002),
    }
    content = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    r = upload(admin_client, "grids", "grids.geojson", content, crs="wgs84")
    page = r.content.decode()
    assert "导入完成" in page and "新增" in page
    assert Region.objects.filter(code="P-1", parent=city_tree["community1"]).exists()


def test_a_check_only_upload_writes_nothing(admin_client, city_tree):
    code = city_tree["community1"].code
    feature = {
        "type": "Feature",
        "properties": {"code": "P-1", "name": "网格", "parent_code": code},
        "geometry": square(114.0, 36.5, 0.002),
    }
    content = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    r = upload(admin_client, "grids", "grids.geojson", content, dry_run="on")
    assert "仅检查，未写入" in r.content.decode()
    assert not Region.objects.filter(code="P-1").exists()


def test_a_file_of_the_wrong_type_is_named_on_the_form(admin_client):
    r = upload(admin_client, "people", "people.csv", b"a,b\n")
    assert "请选择 .xlsx 文件。" in r.content.decode()
    r = upload(admin_client, "people", "people.xlsx", b"not really a workbook")
    assert "这不是 Excel .xlsx 文件。" in r.content.decode()


def test_every_template_imports_cleanly_in_order(client, make_user, db):
    """The templates are examples that work: regions, then grids, estates and people."""
    from linli.territory.tests.factories import CityFactory

    user = make_user(Role.ADMIN, CityFactory(code="419900000000", name="别的市"))
    client.login(phone=user.phone, password=PASSWORD)
    for kind, fmt in [
        ("regions", "xlsx"),
        ("grids", "geojson"),
        ("estates", "xlsx"),
        ("people", "xlsx"),
    ]:
        r = client.get(reverse("territory:import_template", args=[kind, fmt]))
        assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
        if fmt == "xlsx":
            assert "填写说明" in load_workbook(io.BytesIO(r.content)).sheetnames
        r = upload(client, kind, f"{kind}.{fmt}", r.content)
        assert "导入完成" in r.content.decode(), (kind, r.content.decode())
    assert Region.objects.get(code="410611001001G01").parent.code == "410611001001"
    assert Estate.objects.get(code="QB-0001").buildings.get().courtyard.name == "纺织厂家属院"
    assert Resident.objects.get().dwelling.building.number == "1号楼"


def test_the_admin_region_list_links_to_the_imports(client, make_user):
    user = make_user(None, None, is_superuser=True, is_staff=True)
    client.login(phone=user.phone, password=PASSWORD)
    r = client.get(reverse("admin:territory_region_changelist"))
    assert reverse("territory:imports") in r.content.decode()
