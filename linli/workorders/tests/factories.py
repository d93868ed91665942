"""Work-order factories. Orders are made through `create_order`, so every one has its events."""

import factory

from linli.workorders.models import Category, DeadlineUnit


class MajorCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("kind", "code")

    kind = Category.Kind.INCIDENT
    level = Category.Level.MAJOR
    code = "04"
    name = "街面秩序"
    parent = None


class CategoryFactory(factory.django.DjangoModelFactory):
    """A minor class (orders go under leaves)."""

    class Meta:
        model = Category

    kind = factory.LazyAttribute(lambda o: o.parent.kind)
    level = Category.Level.MINOR
    parent = factory.SubFactory(MajorCategoryFactory)
    code = factory.Sequence(lambda n: f"04{n % 100:02d}")
    name = factory.Sequence(lambda n: f"测试小类{n}")
    deadline_amount = 2
    deadline_unit = DeadlineUnit.WORKING_DAYS
    urgent_deadline_amount = 4
    urgent_deadline_unit = DeadlineUnit.WORKING_HOURS
    responder_kinds = factory.LazyFunction(list)
    check_required = True


class ServiceCategoryFactory(CategoryFactory):
    """A micro-help kind: filed automatically and open to claiming by volunteers."""

    parent = factory.SubFactory(
        MajorCategoryFactory, kind=Category.Kind.SERVICE, code="52", name="微帮互助"
    )
    code = factory.Sequence(lambda n: f"52{n % 100:02d}")
    auto_file_resident_orders = True
    open_to_claiming = True
    responder_kinds = factory.LazyFunction(lambda: ["volunteer", "party_member"])
