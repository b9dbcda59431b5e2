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
    session_weight = models.FloatField(
        default=1.0,
        help_text="How strongly the viewer's latest watching (hashtags, creators and sounds finished, rewatched "
        "or skipped) reorders their next page: a video's score is multiplied by exp(weight × affinity). 0: off.",
    )
    brand_factor = models.FloatField(default=0.5, help_text="Multiplier on brand accounts' algorithmic picks.")
    freshness_half_life_hours = models.FloatField(default=48.0)
    weight_completion = models.FloatField(default=3.0)
    weight_rewatch = models.FloatField(default=2.0)
    weight_heart = models.FloatField(default=1.5)
    weight_comment = models.FloatField(default=1.0)
    weight_share = models.FloatField(default=1.5)
    weight_skip = models.FloatField(default=-1.0, help_text="Watched under 3 seconds.")
    weight_not_interested = models.FloatField(default=-3.0)
    pool_sizes = models.CharField(
        max_length=100,
        default="300,3000,30000,300000",
        help_text="Impressions per traffic pool, smallest first, comma-separated.",
    )
    pool_bars = models.CharField(
        max_length=100,
        default="0.30,0.35,0.40",
        help_text="Smoothed engagement a video needs to leave each pool for the next (one fewer than pools).",
    )
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

    def sizes(self) -> list[int]:
        return [int(part) for part in self.pool_sizes.split(",") if part.strip()]

    def bars(self) -> list[float]:
        return [float(part) for part in self.pool_bars.split(",") if part.strip()]

    def clean(self):
        errors = {}
        for name in ("following_share", "exploration_share", "brand_factor"):
            if not 0 <= getattr(self, name) <= 1:
                errors[name] = "Between 0 and 1."
        if self.following_share + self.exploration_share > 1:
            errors["exploration_share"] = "Following and exploration shares together cannot pass 1."
        if self.freshness_half_life_hours <= 0:
            errors["freshness_half_life_hours"] = "Must be positive."
        if not 0 <= self.session_weight <= 5:
            errors["session_weight"] = "Between 0 (off) and 5."
        try:
            sizes, bars = self.sizes(), self.bars()
            if not sizes or any(size <= 0 for size in sizes) or sizes != sorted(sizes):
                errors["pool_sizes"] = "Positive whole numbers, smallest first."
            elif len(bars) != len(sizes) - 1 or any(not 0 <= bar <= 1 for bar in bars):
                errors["pool_bars"] = f"{len(sizes) - 1} numbers between 0 and 1, one per pool but the last."
        except ValueError:
            errors["pool_sizes"] = "Numbers separated by commas."
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


class VideoDistribution(models.Model):
    """Where a video is in staged distribution: shown to a small pool first, then to bigger
    ones while its viewers respond, until it stops or graduates."""

    class Status(models.TextChoices):
        TESTING = "TESTING", "Being tried on its current pool"
        STOPPED = "STOPPED", "Stopped: did not beat its pool's bar"
        GRADUATED = "GRADUATED", "Passed every pool"

    video = models.OneToOneField("videos.Video", on_delete=models.CASCADE, related_name="distribution")
    pool = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TESTING, db_index=True)
    impressions = models.PositiveIntegerField(default=0, help_text="Times shown in For You, all pools.")
    pool_impressions = models.PositiveIntegerField(default=0)
    # the current pool's response: distinct pool viewers (accounts, anonymous addresses) the feed
    # served it to who finished or rewatched it, at most once each per hour
    pool_completions = models.PositiveIntegerField(default=0, db_default=0)
    pool_rewatches = models.PositiveIntegerField(default=0, db_default=0)
    # the video's counters when the current pool began, so the pool's response can be told apart
    pool_start_views = models.PositiveIntegerField(default=0)
    pool_start_completions = models.PositiveIntegerField(default=0)
    pool_start_rewatches = models.PositiveIntegerField(default=0)
    pool_start_hearts = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "pool"], name="feed_distribution_testing")]

    def __str__(self):
        return f"{self.video_id}: pool {self.pool} ({self.get_status_display()})"


class PoolDecision(models.Model):
    """A promotion to the next pool, or a stop, with the figures it was decided on."""

    class Action(models.TextChoices):
        PROMOTED = "PROMOTED", "Promoted"
        STOPPED = "STOPPED", "Stopped"
        GRADUATED = "GRADUATED", "Graduated"

    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="pool_decisions")
    pool = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    engagement = models.FloatField(help_text="Smoothed response of the pool's viewers.")
    bar = models.FloatField()
    impressions = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_action_display()} from pool {self.pool}"


class PickedInterest(models.Model):
    """A hashtag an account picked when it started (or later): For You leans on it from the
    first page, less and less as the account's own signals arrive."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="picked_interests")
    hashtag = models.ForeignKey("videos.Hashtag", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "hashtag"], name="feed_one_pick_per_hashtag")]

    def __str__(self):
        return f"#{self.hashtag_id} for {self.user_id}"


class FeedServeDay(models.Model):
    """What For You served on a day, summed: how many picks were algorithmic, exploration and
    brand, for the dashboard's shares against the knobs. Counted per process and added here
    in one statement at most every FEED_STATS_FLUSH_SECONDS (feed.services.serve_stats)."""

    day = models.DateField(unique=True)
    pages = models.PositiveBigIntegerField(default=0)
    picks = models.PositiveBigIntegerField(default=0)
    following = models.PositiveBigIntegerField(default=0)
    exploration = models.PositiveBigIntegerField(default=0)
    algorithmic = models.PositiveBigIntegerField(default=0, help_text="Picks not from followed accounts.")
    brand = models.PositiveBigIntegerField(default=0, help_text="Brand accounts' algorithmic picks.")

    class Meta:
        verbose_name = "For You day"

    def __str__(self):
        return f"{self.day}: {self.picks} picks"
