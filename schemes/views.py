"""Pages of the schemes app. Each declares its roles with role_required."""

from django.shortcuts import render

from cad.roles import role_required
from schemes import selectors

VIEW_ROLES = ("oic", "crime_manager", "intelligence", "supervisor")


@role_required("oic")
def my_schemes(request):
    schemes = selectors.my_schemes(request.user)
    return render(request, "schemes/mine.html", {"schemes": schemes})


@role_required("oic", "intelligence")
def scheme_request(request):
    return render(request, "schemes/request.html", {})


@role_required("crime_manager", "supervisor")
def manager_queue(request):
    return render(request, "schemes/queue.html", {"schemes": selectors.crime_manager_queue()})


@role_required(*VIEW_ROLES)
def scheme_detail(request, scheme_id: int):
    scheme = selectors.scheme_get(scheme_id)
    return render(request, "schemes/detail.html", {"scheme": scheme})
