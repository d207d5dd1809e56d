from django.apps import apps
from django.conf import settings
from django.db import migrations, models

# Mirrors models.py: the link table exists only where django.contrib.auth is installed.
_WITH_AUTH = apps.is_installed("django.contrib.auth")


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)] if _WITH_AUTH else []

    operations = (
        [
            migrations.CreateModel(
                name="SuperTokensUserLink",
                fields=[
                    (
                        "id",
                        models.BigAutoField(
                            auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                        ),
                    ),
                    ("supertokens_id", models.CharField(max_length=128, unique=True)),
                    (
                        "user",
                        models.OneToOneField(
                            on_delete=models.deletion.CASCADE,
                            related_name="supertokens_link",
                            to=settings.AUTH_USER_MODEL,
                        ),
                    ),
                ],
                options={"verbose_name": "SuperTokens user link"},
            ),
        ]
        if _WITH_AUTH
        else []
    )
