"""Usernames and emails unique as accounts.identity folds them, on both databases.

The Lower() constraints drew the line where each database's LOWER does (ASCII
only on SQLite; PostgreSQL's UPPER maps a dotless "ı" to "I"), so two accounts
could share a name that sign-in could not tell apart."""

import unicodedata

from django.db import migrations, models


def fold(value):
    # accounts.identity.fold, as of this migration.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


def fill_folded(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen = {"username": {}, "email": {}}
    users = list(User.objects.only("pk", "username", "email").order_by("pk"))
    for user in users:
        user.username_folded, user.email_folded = fold(user.username), fold(user.email)
        for field, value in (("username", user.username_folded), ("email", user.email_folded)):
            if value in seen[field]:
                raise RuntimeError(
                    f"Accounts {seen[field][value]} and {user.pk} have the same {field} once case is folded "
                    f"({value!r}): rename one (manage.py shell) and migrate again."
                )
            seen[field][value] = user.pk
    User.objects.bulk_update(users, ["username_folded", "email_folded"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_digest_opt_in"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_folded",
            field=models.CharField(default="", editable=False, max_length=600),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="user",
            name="email_folded",
            field=models.CharField(default="", editable=False, max_length=1016),
            preserve_default=False,
        ),
        migrations.RunPython(fill_folded, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="user", name="accounts_user_username_ci_unique"),
        migrations.RemoveConstraint(model_name="user", name="accounts_user_email_ci_unique"),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=("username_folded",),
                name="accounts_user_username_folded_unique",
                violation_error_message="A user with that username already exists.",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=("email_folded",),
                name="accounts_user_email_folded_unique",
                violation_error_message="An account with that email already exists.",
            ),
        ),
    ]
