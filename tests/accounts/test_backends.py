"""accounts.backends.UserBackend loads the session's user without the ORM's query
building: it must load exactly what ModelBackend loads, and refuse what it refuses."""

import pytest
from django.contrib.auth.backends import ModelBackend

from accounts.backends import UserBackend
from accounts.models import User


def _values(user):
    return [getattr(user, field.attname) for field in User._meta.concrete_fields]


def test_the_user_loaded_is_the_one_the_orm_loads(alice, client, password):
    client.post("/accounts/login/", {"username": "alice", "password": password})  # sets last_login
    alice.refresh_from_db()
    assert alice.last_login is not None

    loaded = UserBackend().get_user(alice.pk)
    assert _values(loaded) == _values(ModelBackend().get_user(alice.pk)) == _values(alice)
    assert loaded.last_login.tzinfo is not None and loaded.is_active is True
    assert loaded._state.adding is False and loaded._state.db == "default"
    loaded.display_name = "Alice L."
    loaded.save(update_fields=["display_name"])
    assert User.objects.get(pk=alice.pk).display_name == "Alice L."


def test_unknown_inactive_and_malformed_ids_load_no_user(alice, bob):
    User.objects.filter(pk=bob.pk).update(is_active=False)
    backend = UserBackend()
    assert backend.get_user(bob.pk) is None
    assert backend.get_user(alice.pk + bob.pk + 1000) is None
    assert backend.get_user("not a number") is None
    assert backend.get_user(str(alice.pk)) == alice


def test_on_postgresql_the_users_select_is_prepared_once_per_connection(alice, bob):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    backend = UserBackend()
    for user in (alice, bob, alice):
        assert backend.get_user(user.pk) == user
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%FROM \"accounts_user\"%%'")
        assert cursor.fetchone() == (1,)
