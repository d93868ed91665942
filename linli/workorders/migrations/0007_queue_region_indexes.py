"""Indexes for the per-region queue reads (workorders.queues): the open states of a region's
subtree, and its newest orders. On PostgreSQL both match the path prefix (LIKE) through
varchar_pattern_ops; SQLite ignores opclasses and matches the prefix as a range."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0006_kpi_counter_defaults"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(
                fields=["state", "region_path"],
                name="workorder_state_region",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(
                fields=["region_path", "created_at"],
                name="workorder_region_created",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
        ),
    ]
