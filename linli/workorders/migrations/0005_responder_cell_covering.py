"""The service-point cell index made covering: a dispatch recommendation reads its circle of
candidates from the index alone, with no table lookup per responder."""

import django.db.models.expressions
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_notifications"),
        ("workorders", "0004_kpis"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="responderprofile",
            name="responder_service_cell",
        ),
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
                models.F("is_active"),
                models.F("kind"),
                models.F("lng"),
                models.F("lat"),
                models.F("user_id"),
                models.F("service_radius_m"),
                models.F("id"),
                name="responder_cell_covering",
            ),
        ),
    ]
