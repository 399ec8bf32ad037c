from django.contrib import admin

from pontis.core.admin import AuditedAdmin

from .invitations import account_invitation_send
from .models import ApiToken, Institution, Membership, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("institution",)


@admin.register(User)
class UserAdmin(AuditedAdmin):
    list_display = ("email", "given_name", "family_name", "is_active")
    search_fields = ("email", "given_name", "family_name")
    exclude = ("password", "groups", "user_permissions", "last_login")
    inlines = [RoleInline]

    def save_model(self, request, obj, form, change):
        # Nobody types another person's password: a new account has none until the person chooses it from the
        # welcome e-mail, queued once the account (and its roles, saved after this) are committed.
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if not change:
            account_invitation_send(user=obj, by=request.user)


@admin.register(Institution)
class InstitutionAdmin(AuditedAdmin):
    list_display = ("__str__", "country", "type")
    list_filter = ("type",)
    search_fields = ("acronym", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("key_prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_prefix", "digest", "created_at", "last_used_at")


admin.site.register(Membership, AuditedAdmin)
