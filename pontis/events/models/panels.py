"""Standing panels (the Eastern Partnership Panel on Migration and Asylum): member countries, delegates, a yearly
work programme of topics, and host offers from member countries (one or several co-hosts per topic, confirmed by
staff). A panel's ``access`` is the widest level its meetings may have without a staff confirmation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import TranslatedField, translate
from pontis.core.models import Country, Region, ThematicArea, TimeStampedModel

from .access import AccessLevel


class Panel(TimeStampedModel):
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = TranslatedField(_("name"), blank=False, max_length_per_language=300)
    description = TranslatedField(_("description"), multiline=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="panels")
    themes = models.ManyToManyField(ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="panels")
    access = models.CharField(_("who may see it"), max_length=20, choices=AccessLevel.choices,
                              default=AccessLevel.PUBLIC)
    access_roles = models.JSONField(_("roles that may see it"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("panel")
        verbose_name_plural = _("panels")

    def __str__(self):
        return str(translate(self.name)) or self.slug


class PanelMember(models.Model):
    """A member country of a panel."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField(_("member since"), null=True, blank=True)

    class Meta:
        ordering = ["panel", "country__code"]
        verbose_name = _("member country")
        verbose_name_plural = _("member countries")
        constraints = [models.UniqueConstraint(fields=["panel", "country"], name="panel_member_unique")]

    def __str__(self):
        return f"{self.panel} · {self.country}"


class PanelDelegate(models.Model):
    """A person who represents a member country on a panel. Delegates with an account see members' material."""

    class Role(models.TextChoices):
        DELEGATE = "delegate", _("Delegate")
        ALTERNATE = "alternate", _("Alternate")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="delegates")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="panel_delegations")
    name = models.CharField(_("name"), max_length=200)
    institution = models.CharField(_("institution"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DELEGATE)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["panel", "country__code", "name"]
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], condition=models.Q(user__isnull=False),
                                    name="panel_delegate_user_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.country_id})"


class WorkProgramme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    TRANSITIONS = {Status.DRAFT: {Status.ADOPTED}, Status.ADOPTED: set()}

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="work_programmes")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    presented_at = models.ForeignKey("events.Meeting", verbose_name=_("presented at"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="work_programmes_presented")
    notes = TranslatedField(_("notes"), multiline=True)

    class Meta:
        ordering = ["panel", "-year"]
        verbose_name = _("work programme")
        verbose_name_plural = _("work programmes")
        constraints = [models.UniqueConstraint(fields=["panel", "year"], name="work_programme_unique")]

    def __str__(self):
        return f"{self.panel} {self.year}"


class WorkProgrammeTopic(models.Model):
    programme = models.ForeignKey(WorkProgramme, on_delete=models.CASCADE, related_name="topics")
    order = models.PositiveSmallIntegerField(_("order"))
    title = TranslatedField(_("topic"), blank=False, max_length_per_language=300)
    description = TranslatedField(_("description"), multiline=True)
    meeting = models.ForeignKey("events.Meeting", verbose_name=_("meeting"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="programme_topics",
                                help_text=_("The meeting that takes the topic up, once planned."))

    class Meta:
        ordering = ["programme", "order"]
        verbose_name = _("work programme topic")
        verbose_name_plural = _("work programme topics")
        constraints = [models.UniqueConstraint(fields=["programme", "order"], name="programme_topic_order_unique")]

    def __str__(self):
        return str(translate(self.title))


class HostOffer(models.Model):
    """A member country's offer to host the meeting on a topic; staff confirm it (several co-hosts may be)."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.OFFERED: {Status.CONFIRMED, Status.DECLINED, Status.WITHDRAWN},
        Status.CONFIRMED: {Status.WITHDRAWN},
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
    }

    topic = models.ForeignKey(WorkProgrammeTopic, on_delete=models.CASCADE, related_name="host_offers")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OFFERED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic", "country__code"]
        verbose_name = _("host offer")
        verbose_name_plural = _("host offers")
        constraints = [models.UniqueConstraint(fields=["topic", "country"], name="host_offer_unique")]

    def __str__(self):
        return f"{self.topic} · {self.country_id}"
