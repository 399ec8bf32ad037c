"""Administration of reference data. Every change made here is written to the audit trail too."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from . import audit
from .models import (
    ActivityType,
    AuditEvent,
    AuthorityType,
    CapacityLevel,
    Country,
    DeliverableType,
    EUMembership,
    EvaluationCriterion,
    GCMObjective,
    GoodPracticeFeature,
    Instrument,
    Language,
    Region,
    SDGTarget,
    ThematicArea,
    Topic,
)
from .roles import Role


class AuditedAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.has_role("admin")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: self.has_module_permission(request)
    )

    def save_model(self, request, obj, form, change):
        if change:
            before = audit.snapshot(obj.__class__.objects.get(pk=obj.pk))
            super().save_model(request, obj, form, change)
            audit.record_update(obj, by=request.user, before=before, note="admin")
        else:
            super().save_model(request, obj, form, change)
            audit.record_create(obj, by=request.user, note="admin")

    def delete_model(self, request, obj):
        audit.record_delete(obj, by=request.user, note="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReferenceAdmin(AuditedAdmin):
    list_display = ("code", "__str__", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("code",)


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    """Regions, with their coordinator: unowned requests and Actions of the region go to them, and a submitted
    request takes them as its owner."""

    list_display = ("code", "__str__", "coordinator", "sort_order", "is_active")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "coordinator":
            kwargs["queryset"] = get_user_model().objects.filter(
                is_active=True, roles__role=Role.OFFICER).distinct().order_by("family_name", "given_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


for model in (ThematicArea, ActivityType, DeliverableType, SDGTarget, EvaluationCriterion, CapacityLevel):
    admin.site.register(model, ReferenceAdmin)


@admin.register(Topic)
class TopicAdmin(ReferenceAdmin):
    list_display = ("code", "__str__", "theme", "is_active")
    list_editable = ("is_active",)
    list_filter = ("theme",)


@admin.register(AuthorityType)
class AuthorityTypeAdmin(ReferenceAdmin):
    list_display = ("code", "__str__", "may_request", "is_active")
    list_editable = ("may_request", "is_active")


@admin.register(GCMObjective, GoodPracticeFeature)
class NumberedAdmin(ReferenceAdmin):
    list_display = ("number", "code", "__str__", "is_active")
    list_editable = ("is_active",)


@admin.register(Instrument)
class InstrumentAdmin(ReferenceAdmin):
    filter_horizontal = ("countries",)


class EUMembershipInline(admin.TabularInline):
    model = EUMembership
    extra = 0


@admin.register(Country)
class CountryAdmin(AuditedAdmin):
    list_display = ("code", "alpha3", "__str__", "region", "graduated")
    list_filter = ("region", "graduated")
    search_fields = ("code", "alpha3")
    inlines = [EUMembershipInline]


@admin.register(Language)
class LanguageAdmin(AuditedAdmin):
    list_display = ("code", "__str__")
    search_fields = ("code",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor_label")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.has_role("admin")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
