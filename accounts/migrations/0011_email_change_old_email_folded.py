import unicodedata

from django.db import migrations, models


def fold(value):
    # accounts.identity.fold, as of this migration.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


def fill(apps, schema_editor):
    EmailChange = apps.get_model("accounts", "EmailChange")
    changes = list(EmailChange.objects.only("pk", "old_email"))
    for change in changes:
        change.old_email_folded = fold(change.old_email)
    EmailChange.objects.bulk_update(changes, ["old_email_folded"], batch_size=500)


def confirm_existing_addresses(apps, schema_editor):
    # Accounts made before addresses were confirmed keep receiving what they
    # opted into: their addresses count as confirmed since they signed up.
    # Every new or changed address from now on needs its link (SECURITY.md, "Mail").
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_verified_at=None).update(email_verified_at=models.F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_signed_in_session"),
    ]

    operations = [
        migrations.AddField(
            model_name="emailchange",
            name="old_email_folded",
            field=models.CharField(db_index=True, default="", max_length=1016),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(confirm_existing_addresses, migrations.RunPython.noop),
    ]
