"""Django admin for the force-configurable tables of call handling."""

from django.contrib import admin

from cad.calls.services import response_target_set
from cad.models import OpeningCode, ResponseTarget


@admin.register(ResponseTarget)
class ResponseTargetAdmin(admin.ModelAdmin):
    list_display = ("grade", "area", "seconds")
    ordering = ("grade", "area")

    def save_model(self, request, obj, form, change):
        # Through the service, so the same checks apply as for set_response_target.
        (saved,) = response_target_set(grade=obj.grade, seconds=obj.seconds, area=obj.area)
        obj.pk = saved.pk


@admin.register(OpeningCode)
class OpeningCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "base_grade", "domestic", "active", "position")
    list_editable = ("label", "base_grade", "domestic", "active", "position")
    ordering = ("position", "label")
