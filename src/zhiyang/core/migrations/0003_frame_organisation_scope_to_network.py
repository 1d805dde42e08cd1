# The organisation's districts and routes move to the network app (District.organisations,
# Route.organisations) so that core depends on no network model. State only: the tables
# (core_organisation_districts, core_organisation_routes) and their rows stay as they are;
# network.0002 declares the same tables from the other side.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_job"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="organisation", name="districts"),
                migrations.RemoveField(model_name="organisation", name="routes"),
            ],
        ),
    ]
