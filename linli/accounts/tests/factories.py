import factory

from linli.accounts.models import Organization, Role, RoleAssignment, User

PASSWORD = "linli-test-pass"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Organization.Kind.DEPARTMENT
    service_area = factory.SubFactory("linli.territory.tests.factories.CityFactory")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.RESIDENT
    region = factory.SubFactory("linli.territory.tests.factories.GridFactory")
    responder_kind = factory.LazyAttribute(
        lambda o: "volunteer" if o.role == Role.RESPONDER else ""
    )
