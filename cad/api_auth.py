"""Token authentication that reads the user's roles with the token, in one query.

Every API request checks roles (`cad.kernel.roles.HasRole`, then the service's own check): with
DRF's TokenAuthentication that is one query for the token and user and another for the
groups. Here the group names come back aggregated with the token.
"""

from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from cad.kernel.roles import remember_roles


class TokenWithRolesAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        try:
            token = (
                self.get_model()
                .objects.select_related("user")
                .annotate(group_names=ArrayAgg("user__groups__name", default=None))
                .get(key=key)
            )
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # What cad.kernel.roles.user_roles would read from the groups table (none: [None]).
        remember_roles(token.user, [name for name in token.group_names or () if name])
        return (token.user, token)
