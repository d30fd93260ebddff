"""Pages of the call-handling app. Each declares its roles with role_required."""

from django.shortcuts import render

from cad.roles import ANY_ROLE, ROLE_LABELS, role_required, user_roles


@role_required(ANY_ROLE)
def home(request):
    roles = sorted(user_roles(request.user))
    return render(
        request,
        "cad/home.html",
        {"role_names": [ROLE_LABELS.get(name, name) for name in roles]},
    )
