"""Every API endpoint and page declares which roles may use it; nothing is open by accident."""

from django.urls import URLPattern, URLResolver, get_resolver

from cad.kernel.roles import ALL_ROLES, ANY_ROLE

# Open on purpose: logging in, the public schema and its docs, the admin (staff-only).
PUBLIC = {"login", "logout", "api-token", "api-schema", "api-docs", "api-redoc", "favicon"}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def declared_roles(callback) -> set[str] | None:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        by_method = getattr(view_class, "roles_by_method", None)
        if by_method is not None:
            return {role for roles in by_method.values() for role in roles}
        roles = getattr(view_class, "roles", None)
        return set(roles) if roles is not None else None
    roles = getattr(callback, "allowed_roles", None)
    return set(roles) if roles is not None else None


def test_every_route_declares_known_roles():
    undeclared, unknown = [], []
    routes = list(walk(get_resolver().url_patterns))
    assert declared_roles(dict(routes)["api/v1/events/"].callback) == {ANY_ROLE}
    for route, pattern in routes:
        if pattern.name in PUBLIC:
            continue
        roles = declared_roles(pattern.callback)
        if not roles:
            undeclared.append(route)
        elif roles - set(ALL_ROLES) - {ANY_ROLE}:
            unknown.append((route, roles - set(ALL_ROLES)))
    assert undeclared == []
    assert unknown == []


def test_api_views_use_the_role_permission():
    from cad.kernel.roles import HasRole

    for route, pattern in walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "cls", None)
        if view_class is None or pattern.name in PUBLIC:
            continue
        permissions = getattr(view_class, "permission_classes", [])
        assert HasRole in permissions, f"{route} does not check roles"
