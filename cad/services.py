"""Every action that changes state in the call-handling app, one function each."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cad.errors import InvalidInput
from cad.models import Grade, ResponseTarget
from cad.roles import ALL_ROLES

User = get_user_model()


@transaction.atomic
def user_create_or_update(
    *, username: str, role: str, password: str, unit_callsign: str | None = None
):
    """Create (or reset) a user with exactly one role; optionally link a unit terminal."""
    errors: dict[str, list[str]] = {}
    if role not in ALL_ROLES:
        errors["role"] = [f"Unknown role {role!r}; one of: {', '.join(ALL_ROLES)}."]
    if not username or len(username) > 150:
        errors["username"] = ["A username of 1 to 150 characters is required."]
    if not password:
        # Deployments and acceptance scripts choose their own passwords; only emptiness is refused.
        errors["password"] = ["A password is required."]
    if unit_callsign and role != "unit":
        errors["unit"] = ["Only a user with the unit role can be linked to a unit."]
    if errors:
        raise InvalidInput(errors)
    user, _ = User.objects.get_or_create(username=username)
    user.set_password(password)
    user.is_staff = role == "admin"
    user.is_superuser = role == "admin"
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    if unit_callsign:
        from dispatch.models import Unit

        unit = Unit.objects.filter(callsign=unit_callsign.upper()).first()
        if unit is None:
            raise InvalidInput({"unit": [f"No unit with callsign {unit_callsign}."]})
        Unit.objects.filter(terminal_user=user).exclude(pk=unit.pk).update(terminal_user=None)
        unit.terminal_user = user
        unit.save(update_fields=["terminal_user"])
    return user


@transaction.atomic
def response_target_set(*, grade: str, seconds: int, area: str | None = None) -> list:
    """Set the attendance target for a grade, in one area or both."""
    errors = {}
    if grade not in Grade.values:
        errors["grade"] = [f"Unknown grade {grade!r}; one of: {', '.join(Grade.values)}."]
    if area not in (None, "urban", "rural"):
        errors["area"] = ["Area must be urban or rural."]
    if not isinstance(seconds, int) or seconds <= 0 or seconds > 7 * 24 * 3600:
        errors["seconds"] = ["A whole number of seconds between 1 and 604800 is required."]
    if errors:
        raise InvalidInput(errors)
    targets = []
    for each_area in [area] if area else ["urban", "rural"]:
        target, _ = ResponseTarget.objects.update_or_create(
            grade=grade, area=each_area, defaults={"seconds": seconds}
        )
        targets.append(target)
    return targets
