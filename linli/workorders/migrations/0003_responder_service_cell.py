"""An expression index on responders' service points, bucketed into 1/100-degree cells: the
spatial prefilter of dispatch recommendations."""

import django.db.models.expressions
import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0002_dispatch_stats"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="responderprofile",
            index=models.Index(
                django.db.models.functions.comparison.Cast(
                    django.db.models.expressions.CombinedExpression(
                        models.F("lat"), "*", models.Value(100)
                    ),
                    models.IntegerField(),
                ),
                django.db.models.functions.comparison.Cast(
                    django.db.models.expressions.CombinedExpression(
                        models.F("lng"), "*", models.Value(100)
                    ),
                    models.IntegerField(),
                ),
                name="responder_service_cell",
            ),
        ),
    ]
