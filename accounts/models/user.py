from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxLengthValidator, MinLengthValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 30

username_validators = [
    MinLengthValidator(USERNAME_MIN_LENGTH),
    MaxLengthValidator(USERNAME_MAX_LENGTH),
    RegexValidator(
        r"^[A-Za-z0-9_](?:[A-Za-z0-9_]|\.(?!\.))*[A-Za-z0-9_]$",
        "Use letters, digits, underscores and single dots; no dot at the start or end.",
        code="invalid",
    ),
]


class CommentPolicy(models.TextChoices):
    """Who may comment on a video: set per video, defaulting to its author's profile setting."""

    EVERYONE = "EVERYONE", "Everyone"
    FOLLOWERS = "FOLLOWERS", "Followers"
    NOBODY = "NOBODY", "Nobody"


class UserQuerySet(models.QuerySet):
    def by_username(self, username: str) -> "UserQuerySet":
        return self.filter(username__lower=username.lower())


class FlywheelUserManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        # Sign-in is case-insensitive, like the uniqueness of user names.
        return self.get(username__lower=username.lower())


class User(AbstractUser):
    """A Flywheel account: a person, a creator, or a brand."""

    class Kind(models.TextChoices):
        PERSONAL = "PERSONAL", "Personal"
        CREATOR = "CREATOR", "Creator"
        BRAND = "BRAND", "Brand"

    username = models.CharField(
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        validators=username_validators,
        help_text="3 to 30 letters, digits, underscores or dots; unique ignoring case.",
        error_messages={"unique": "That username is taken."},
    )
    email = models.EmailField(unique=True, error_messages={"unique": "That email is already registered."})
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PERSONAL, db_index=True)
    display_name = models.CharField(max_length=50, blank=True)
    bio = models.CharField(max_length=300, blank=True)
    avatar = models.ImageField(upload_to="avatars/%Y/%m/", blank=True)
    email_verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the owner proved the address is theirs; empty: not yet."
    )
    deletion_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The owner asked to delete the account: it is hidden now and erased at this time, "
        "unless they sign in before.",
    )
    suspended_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When staff deactivated the account. A moderator's decision: signing in never brings it back "
        "(only staff reactivate), whatever the owner asked before or after.",
    )
    is_verified = models.BooleanField(
        default=False, help_text="Shown with a badge: an authenticated public figure or brand."
    )
    # db_default too, so rows written without the ORM (bulk COPY, SQL) get it as well
    hearts_public = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Whether others may see the videos this account hearted (its liked tab).",
    )
    is_private = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Only accepted followers see its videos and its follower and following lists.",
    )
    default_comment_policy = models.CharField(
        max_length=10,
        choices=CommentPolicy.choices,
        default=CommentPolicy.EVERYONE,
        db_default=CommentPolicy.EVERYONE,
        help_text="Who may comment on this account's new videos.",
    )
    # Kept in step with the Follow table by accounts.services.social_graph inside the same
    # transaction as the row change, so they are exact and cost nothing to read.
    follower_count = models.PositiveIntegerField(default=0)
    following_count = models.PositiveIntegerField(default=0)
    heart_count = models.PositiveIntegerField(default=0, help_text="Hearts received on all videos.")
    # The Follow rows, seen as a relation between accounts: what lets GraphQL load the
    # followers of a whole page of accounts in one query. Rows are made and removed only by
    # accounts.services.social_graph, which keeps the counters above exact.
    following = models.ManyToManyField(
        "self",
        through="accounts.Follow",
        through_fields=("follower", "followee"),
        symmetrical=False,
        related_name="followers",
        blank=True,
    )

    objects = FlywheelUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_code="unique",
                violation_error_message="That username is taken.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_code="unique",
                violation_error_message="That email is already registered.",
            ),
            models.CheckConstraint(condition=~Q(email=""), name="accounts_user_email_required"),
        ]
        indexes = [
            # account search: similarity on usernames and display names
            GinIndex(OpClass(Upper("username"), name="gin_trgm_ops"), name="accounts_user_username_trgm"),
            GinIndex(OpClass(Upper("display_name"), name="gin_trgm_ops"), name="accounts_user_name_trgm"),
        ]

    def __str__(self):
        return self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def deletion_pending(self) -> bool:
        return self.deletion_due_at is not None

    @property
    def may_come_back_by_signing_in(self) -> bool:
        """Deactivated by its owner's own deletion request, and by nothing staff did."""
        return self.deletion_due_at is not None and self.suspended_at is None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None
