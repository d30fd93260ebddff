"""Security settings that must hold for every page and deployment."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "CAD_TESTING", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cad.settings",
        SECRET_KEY="-".join(["production", "only", "k" * 50]),
        ALLOWED_HOSTS="cad.example.org",
        DEBUG="0",
        **extra,
    )
    return env


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_every_page_carries_a_csp_without_inline_scripts(client, db):
    response = client.get("/login/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_style_or_handlers(template):
    text = template.read_text()
    for match in re.finditer(r"<script\b([^>]*)>", text):
        attributes = match.group(1)
        assert "src=" in attributes or 'type="application/json"' in attributes, (
            f"inline script in {template.name}: {match.group(0)}"
        )
    assert not re.search(r"\sstyle\s*=", text), f"inline style in {template.name}"
    assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {template.name}"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_post_form_carries_a_csrf_token(template):
    text = template.read_text()
    for form in re.finditer(r"<form\b[^>]*>.*?</form>", text, flags=re.S | re.I):
        if re.search(r'method\s*=\s*"post"', form.group(0), flags=re.I):
            assert "{% csrf_token %}" in form.group(0), f"form without CSRF in {template.name}"


def test_a_post_without_the_csrf_token_is_refused(make_user):
    user = make_user("dispatcher")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post("/logout/").status_code == 403


def test_session_expires_after_thirty_idle_minutes(make_user):
    user = make_user("dispatcher")
    with time_machine.travel("2026-11-22 08:00:00+00:00", tick=False) as traveller:
        client = Client()
        assert (
            client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code
            == 302
        )
        traveller.shift(29 * 60)
        assert client.get("/").status_code == 200  # activity renews the session
        traveller.shift(29 * 60)
        assert client.get("/").status_code == 200
        traveller.shift(31 * 60)
        response = client.get("/")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login/")


def test_no_secrets_in_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    pattern = re.compile(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----"
        r"|AKIA[0-9A-Z]{16}"
        r"|(?i:secret_key|api_key|token)\s*[=:]\s*['\"](?!insecure-)[^'\"]{16,}['\"]"
    )
    offenders = [name for name in tracked if Path(name).name in {".env", "credentials.json"}]
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".png", ".jpg", ".ico"} or not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        offenders += [f"{name}: {m.group(0)[:40]}" for m in pattern.finditer(text)]
    assert offenders == []


def test_audit_models_are_not_editable_in_the_admin():
    from django.contrib import admin

    from cad.models import AccessRefusal, Event, NarrativeEntry

    for model in (Event, AccessRefusal, NarrativeEntry):
        model_admin = admin.site._registry.get(model)
        if model_admin is not None:
            assert not model_admin.has_change_permission(None)
            assert not model_admin.has_delete_permission(None)


def test_secure_cookies_and_hsts_in_production():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
            " s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT, s.DEBUG)",
        ],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "False"], result.stderr
    assert settings.SESSION_COOKIE_HTTPONLY


def test_pages_write_dates_one_way():
    """Day, short month, 24-hour time: no weekday, no unpadded day, no slashes, no am/pm."""
    for template in TEMPLATES:
        text = template.read_text()
        for fmt in re.findall(r'\|(?:date|time):"([^"]*)"', text):
            assert not re.search(r"[jDlNnSAaPgh/]", fmt), f"{template.name}: {fmt}"
