"""Settings come from the environment; bad values fail at start-up, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mlepath.env import env_bool, env_int, env_list, env_mailer

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    """manage.py with only the settings given here: none from this run's environment,
    and none from a developer's .env (MLEPATH_ENV_FILE empty), unless `env` names one."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base["MLEPATH_ENV_FILE"] = ""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_env_bool_names_the_variable_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False)
    monkeypatch.setenv("DEBUG", "on")
    assert env_bool("DEBUG", False) is True


def test_env_int_names_the_variable_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="PORT"):
        env_int("PORT", 8000)
    monkeypatch.setenv("PORT", "70000")
    with pytest.raises(ImproperlyConfigured, match="PORT must be between 1 and 65535"):
        env_int("PORT", 8000, minimum=1, maximum=65535)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "mlepath.example, www.mlepath.example,")
    assert env_list("ALLOWED_HOSTS", []) == ["mlepath.example", "www.mlepath.example"]


def test_email_url_parses_smtp_and_names_the_variable_when_wrong(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://mailer:s%40cret@mail.example.com:2525")
    options = env_mailer("EMAIL_URL", "console:")["OPTIONS"]
    assert options["host"] == "mail.example.com"
    assert options["port"] == 2525
    assert options["password"] == "s@cret"
    assert options["use_tls"] is True
    monkeypatch.setenv("EMAIL_URL", "carrier-pigeon://coop")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env_mailer("EMAIL_URL", "console:")


def test_debug_off_without_secret_key_is_a_clear_error():
    result = run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


SHOW_DEBUG_AND_KEY = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)"


def test_env_file_fills_in_what_the_environment_leaves_unset(tmp_path):
    env_file = tmp_path / "dev.env"
    env_file.write_text("# for development only\nDEBUG=1\nSECRET_KEY=key-from-the-file\n")
    result = run_manage("shell", "-c", SHOW_DEBUG_AND_KEY, MLEPATH_ENV_FILE=str(env_file))
    assert result.stdout.strip().splitlines()[-1] == "True key-from-the-file", result.stderr


def test_environment_wins_over_the_env_file(tmp_path):
    """As `make serve` relies on: DEBUG=0 on its command line, whatever .env says."""
    env_file = tmp_path / "dev.env"
    env_file.write_text("DEBUG=1\nSECRET_KEY=key-from-the-file\n")
    result = run_manage(
        "shell", "-c", SHOW_DEBUG_AND_KEY, MLEPATH_ENV_FILE=str(env_file), DEBUG="0", SECRET_KEY="key-from-the-env"
    )
    assert result.stdout.strip().splitlines()[-1] == "False key-from-the-env", result.stderr


def test_env_file_that_is_named_but_missing_is_a_clear_error(tmp_path):
    result = run_manage("check", DEBUG="1", MLEPATH_ENV_FILE=str(tmp_path / "missing.env"))
    assert result.returncode != 0
    assert "MLEPATH_ENV_FILE names no file" in result.stderr


def test_bad_database_url_is_a_clear_error():
    result = run_manage("check", DEBUG="1", DATABASE_URL="mysql-ish://nowhere")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_deploy_check_reports_nothing_with_debug_off():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-a-long-random-deploy-key-0123456789",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_database_is_configured_for_a_web_server():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
        assert "busy_timeout" in database["OPTIONS"]["init_command"]
    else:
        assert database["ENGINE"] == "django.db.backends.postgresql"
        assert database["CONN_HEALTH_CHECKS"] is True
        assert database["OPTIONS"]["connect_timeout"] <= 5


def test_redis_url_selects_django_redis_and_a_cached_outline_survives_it(settings, track):
    """Through django-redis against the Redis every MLE Path machine runs (127.0.0.1:6379):
    the roadmap outline comes back whole, its topic bodies still marked safe."""
    from django.core.cache import caches
    from django.utils.safestring import SafeString

    from roadmap.models import Roadmap
    from roadmap.selectors import roadmap_outline, topic_bodies

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        DEBUG="1",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result.stdout.strip().splitlines()[-1] == "django_redis.cache.RedisCache", result.stderr
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "mlepath-test",
        }
    }
    caches["default"].clear()
    roadmap = Roadmap.objects.with_content_version().get(slug="track")
    made = roadmap_outline(roadmap)
    read = roadmap_outline(roadmap)  # from Redis this time
    assert read == made and read is not made
    bodies = topic_bodies(roadmap)
    assert topic_bodies(roadmap) == bodies
    assert all(isinstance(body, SafeString) for body in topic_bodies(roadmap).values())
    caches["default"].clear()


@pytest.mark.parametrize(("threshold", "expected"), [("", "True 5"), ("0", "None None"), ("12", "True 12")])
def test_prepare_threshold_turns_server_binding_and_preparation_on_and_off(threshold, expected):
    code = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    env = {"DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/mlepath"}
    if threshold:
        env["PREPARE_THRESHOLD"] = threshold
    result = run_manage("shell", "-c", code, **env)
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr
