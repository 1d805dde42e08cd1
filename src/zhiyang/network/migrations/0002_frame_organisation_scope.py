# The organisations' districts and routes, declared on this side (see core.0003). State
# only: the many-to-many tables core created keep their names, columns and rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_frame_organisation_scope_to_network"),
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="district",
                    name="organisations",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="core_organisation_districts",
                        related_name="districts",
                        to="core.organisation",
                        verbose_name="organisations",
                    ),
                ),
                migrations.AddField(
                    model_name="route",
                    name="organisations",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="core_organisation_routes",
                        related_name="routes",
                        to="core.organisation",
                        verbose_name="organisations",
                    ),
                ),
            ],
        ),
    ]
