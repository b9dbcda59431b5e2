from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class FeedSettingsQuerySet(models.QuerySet):
    def current(self) -> "FeedSettings":
        """The latest version, or the defaults when nobody has saved any."""
        return self.order_by("-version").first() or FeedSettings()


class FeedSettings(models.Model):
    """The feed's knobs. Never edited in place: every change is a new version, so the history
    of what the feed was told to do is kept."""

    version = models.PositiveIntegerField(unique=True, editable=False)
    following_share = models.FloatField(default=0.3, help_text="Share of a For You page from followed accounts.")
    exploration_share = models.FloatField(default=0.15, help_text="Share of a page outside known interests.")
    brand_factor = models.FloatField(default=0.5, help_text="Multiplier on brand accounts' algorithmic picks.")
    freshness_half_life_hours = models.FloatField(default=48.0)
    weight_completion = models.FloatField(default=3.0)
    weight_rewatch = models.FloatField(default=2.0)
    weight_heart = models.FloatField(default=1.5)
    weight_comment = models.FloatField(default=1.0)
    weight_share = models.FloatField(default=1.5)
    weight_skip = models.FloatField(default=-1.0, help_text="Watched under 3 seconds.")
    weight_not_interested = models.FloatField(default=-3.0)
    note = models.CharField(max_length=200, blank=True, help_text="Why this change.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = "feed settings version"
        verbose_name_plural = "feed settings (history)"
        ordering = ["-version"]

    def __str__(self):
        return f"feed settings v{self.version}"

    def clean(self):
        errors = {}
        for name in ("following_share", "exploration_share", "brand_factor"):
            if not 0 <= getattr(self, name) <= 1:
                errors[name] = "Between 0 and 1."
        if self.following_share + self.exploration_share > 1:
            errors["exploration_share"] = "Following and exploration shares together cannot pass 1."
        if self.freshness_half_life_hours <= 0:
            errors["freshness_half_life_hours"] = "Must be positive."
        if errors:
            raise ValidationError(errors)


class InterestReset(models.Model):
    """A viewer asked to start their For You over: signals before `reset_at` no longer shape
    it (follows still do)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="interest_reset"
    )
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    reset_at = models.DateTimeField()

    def __str__(self):
        return f"interests reset {self.reset_at:%Y-%m-%d %H:%M}"
