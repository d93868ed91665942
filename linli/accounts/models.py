"""People who log in, the roles they hold in regions, organisations, and the audit trails
(sensitive-field access log and the state-change audit log)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.lib.phone import validate_mobile


class Role(models.TextChoices):
    RESIDENT = "resident", _("resident")
    GRID_WORKER = "grid_worker", _("grid worker")
    GRID_LEADER = "grid_leader", _("grid leader")
    RESPONDER = "responder", _("responder")
    DISPATCHER = "dispatcher", _("dispatcher / shift supervisor")
    PROGRAMME_STAFF = "programme_staff", _("programme staff")
    LEADER = "leader", _("leader")
    ADMIN = "admin", _("administrator")


class ResponderKind(models.TextChoices):
    PARTY_MEMBER = "party_member", _("party member")
    VOLUNTEER = "volunteer", _("volunteer")
    MERCHANT = "merchant", _("merchant / shop")
    PROPERTY_COMPANY = "property_company", _("property company")
    DEPARTMENT = "department", _("department staff")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(phone=phone, **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with a mainland mobile number."""

    phone = models.CharField(
        _("mobile number"), max_length=11, unique=True, validators=[validate_mobile]
    )
    name = models.CharField(_("full name"), max_length=50)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    failed_logins = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Where notifications go besides the inbox (see accounts.notifications), and in which language.
    email = models.EmailField(_("e-mail"), blank=True)
    wechat_openid = models.CharField(_("WeChat openid"), max_length=64, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    # The person's own choice of outside channels (the inbox always gets every message). On by
    # default, as before the choice existed: a channel still needs an address and the deployment.
    notify_by_sms = models.BooleanField(_("notify by SMS"), default=True)
    notify_by_wechat = models.BooleanField(_("notify on WeChat"), default=True)
    notify_by_email = models.BooleanField(_("notify by e-mail"), default=True)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.phone

    def is_locked(self, now: Any = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class Organization(models.Model):
    """Departments, property companies, merchants, volunteer teams, party branches,
    social organisations and unions: they have members and a service area."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("department / handling unit")
        PROPERTY_COMPANY = "property_company", _("property company")
        MERCHANT = "merchant", _("merchant / shop")
        VOLUNTEER_TEAM = "volunteer_team", _("volunteer team")
        PARTY_BRANCH = "party_branch", _("party branch")
        SOCIAL_ORGANIZATION = "social_organization", _("social organisation")
        UNION = "union", _("union")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    service_area = models.ForeignKey(
        "territory.Region",
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("service area"),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    members: models.ManyToManyField[User, OrganizationMembership] = models.ManyToManyField(
        User, through="OrganizationMembership", related_name="organizations", blank=True
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name", "service_area"], name="organization_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganizationMembership(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=50, blank=True)
    is_manager = models.BooleanField(_("manager"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self) -> RoleAssignmentQuerySet:
        return self.filter(is_active=True)


class RoleAssignment(models.Model):
    """One role a person holds in one region (a grid worker of grid X, a resident of grid Y)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    responder_kind = models.CharField(
        _("responder kind"), max_length=20, choices=ResponderKind.choices, blank=True
    )
    region = models.ForeignKey(
        "territory.Region",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("region"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"], name="role_unique_per_region"
            ),
            models.CheckConstraint(
                condition=Q(role="responder", responder_kind__gt="")
                | (~Q(role="responder") & Q(responder_kind="")),
                name="responder_kind_only_for_responders",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"


class OneTimeCode(models.Model):
    """An SMS login code; only its hash is stored."""

    phone = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.phone}"


class SensitiveAccessLog(models.Model):
    """Every time a masked field was shown unmasked: who, whose, which field, when."""

    viewer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="sensitive_views", verbose_name=_("viewer")
    )
    subject_type = models.CharField(_("record type"), max_length=50)
    subject_id = models.PositiveBigIntegerField(_("record id"))
    subject_label = models.CharField(_("record"), max_length=100)
    field = models.CharField(_("field"), max_length=30)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("sensitive data access")
        verbose_name_plural = _("sensitive data access log")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.viewer} viewed {self.field} of {self.subject_label}"


class AuditEntry(models.Model):
    """Immutable record of a state change made through a service."""

    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=50, db_index=True)
    target_type = models.CharField(_("record type"), max_length=50)
    target_id = models.CharField(_("record id"), max_length=40)
    summary = models.CharField(_("summary"), max_length=255)
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.action}: {self.summary}"


class DemoLogin(models.Model):
    """A login of the generated demo city, listed on the home page while DEMO_MODE is on.
    Written only by `seed_demo`; a production database has none."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="demo_login")
    role = models.CharField(max_length=20, choices=Role.choices)
    responder_kind = models.CharField(max_length=20, choices=ResponderKind.choices, blank=True)
    password = models.CharField(max_length=64)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"demo {self.role}: {self.user}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: User) -> NotificationQuerySet:
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def inbox_order(self) -> NotificationQuerySet:
        """Unread first, then newest first."""
        is_unread = models.ExpressionWrapper(
            Q(read_at__isnull=True), output_field=models.BooleanField()
        )
        return self.order_by(is_unread.desc(), "-created_at", "-pk")


class Notification(models.Model):
    """One message in a person's in-app inbox, worded in their language when it was sent."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    SENT = "sent", _("sent")
    RETRYING = "retrying", _("failed, will retry")
    FAILED = "failed", _("failed")
    UNREACHABLE = "unreachable", _("no address on this channel")


class NotificationDelivery(models.Model):
    """How sending one notification through one outside channel went, over all attempts."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=DeliveryStatus.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notification_delivery_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} via {self.channel}: {self.status}"
