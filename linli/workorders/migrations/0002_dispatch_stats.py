"""Per-responder figures for dispatch recommendations (open orders held, ratings), filled
from the orders already there."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Q

OPEN = ["reported", "filed", "dispatched", "accepted", "returned", "parked", "handled"]


def fill(apps, schema_editor):
    WorkOrder = apps.get_model("workorders", "WorkOrder")
    DispatchStats = apps.get_model("workorders", "DispatchStats")
    rated = Q(state="rated") & ~Q(satisfaction="")
    figures = {
        "open_orders": Count("pk", filter=Q(state__in=OPEN)),
        "rated_orders": Count("pk", filter=rated),
        "satisfied_orders": Count("pk", filter=rated & Q(satisfaction__in=["satisfied", "fairly"])),
    }
    rows = []
    for column, by in (("user_id", "assignee_id"), ("organization_id", "assignee_unit_id")):
        grouped = WorkOrder.objects.filter(**{f"{by}__isnull": False}).order_by().values(by)
        for row in grouped.annotate(**figures):
            pk = row.pop(by)
            if any(row.values()):
                rows.append(DispatchStats(**{column: pk}, **row))
    DispatchStats.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_notifications"),
        ("workorders", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DispatchStats",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "open_orders",
                    models.PositiveIntegerField(default=0, verbose_name="open orders held"),
                ),
                (
                    "rated_orders",
                    models.PositiveIntegerField(default=0, verbose_name="rated orders"),
                ),
                (
                    "satisfied_orders",
                    models.PositiveIntegerField(default=0, verbose_name="satisfied ratings"),
                ),
            ],
            options={
                "verbose_name": "dispatch figures",
                "verbose_name_plural": "dispatch figures",
            },
        ),
        migrations.AddField(
            model_name="dispatchstats",
            name="organization",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="dispatch_stats",
                to="accounts.organization",
                verbose_name="unit",
            ),
        ),
        migrations.AddField(
            model_name="dispatchstats",
            name="user",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="dispatch_stats",
                to=settings.AUTH_USER_MODEL,
                verbose_name="person",
            ),
        ),
        migrations.AddConstraint(
            model_name="dispatchstats",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("organization__isnull", False), ("user__isnull", True)),
                    models.Q(("organization__isnull", True), ("user__isnull", False)),
                    _connector="OR",
                ),
                name="dispatchstats_one_holder",
            ),
        ),
        migrations.AddConstraint(
            model_name="dispatchstats",
            constraint=models.CheckConstraint(
                condition=models.Q(("satisfied_orders__lte", models.F("rated_orders"))),
                name="dispatchstats_satisfied_within_rated",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
