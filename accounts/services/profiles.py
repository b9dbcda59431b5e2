from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.forms import ImageField as ImageFormField

from ..models import User
from . import social_graph
from .account_mail import VERIFY, send_later

# Names that would confuse people or collide with our own routes and staff.
RESERVED_USERNAMES = frozenset(
    {
        "admin",
        "administrator",
        "api",
        "flywheel",
        "graphql",
        "help",
        "media",
        "moderator",
        "root",
        "security",
        "static",
        "support",
        "staff",
        "system",
    }
)
SELF_SERVICE_KINDS = {User.Kind.PERSONAL, User.Kind.CREATOR}


def _identity_errors(user: User) -> dict[str, list[ValidationError]]:
    """Reserved and already-taken names and emails, compared ignoring case as the unique
    indexes do. The indexes still decide a race between two sign-ups."""
    errors: dict[str, list[ValidationError]] = {}
    if user.username.lower() in RESERVED_USERNAMES:
        errors["username"] = [ValidationError("That username is reserved.", code="reserved")]
    elif User.objects.filter(username__lower=user.username.lower()).exists():
        errors["username"] = [ValidationError("That username is taken.", code="unique")]
    if User.objects.filter(email__lower=user.email.lower()).exists():
        errors["email"] = [ValidationError("That email is already registered.", code="unique")]
    return errors


@transaction.atomic
def register(
    *, username: str, email: str, password: str, kind: str = User.Kind.PERSONAL, display_name: str = ""
) -> User:
    """Create an account. Every problem with the input is reported at once, per field."""
    user = User(
        username=username.strip(),
        email=User.objects.normalize_email(email.strip()),
        kind=kind,
        display_name=display_name.strip(),
    )
    errors: dict[str, list[ValidationError]] = {}
    try:
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    for name, problems in _identity_errors(user).items():
        errors.setdefault(name, problems)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            send_later(VERIFY, user_id=user.pk)
    except IntegrityError as exc:
        # Two sign-ups raced for the same name or email; the database decided.
        raise ValidationError(
            {"username": ValidationError("That username or email was just taken.", code="unique")}
        ) from exc
    return user


def _validated_avatar(upload: UploadedFile):
    if upload.size > settings.AVATAR_MAX_BYTES:
        raise ValidationError(
            {
                "avatar": ValidationError(
                    f"The image is larger than {settings.AVATAR_MAX_BYTES // (1024 * 1024)} MB.", code="too_large"
                )
            }
        )
    try:
        # Django's form field opens the file with Pillow and rejects anything that is not an image.
        return ImageFormField().clean(upload)
    except ValidationError as exc:
        raise ValidationError({"avatar": exc.error_list}) from exc


@transaction.atomic
def update_profile(
    user: User,
    *,
    display_name: str | None = None,
    bio: str | None = None,
    kind: str | None = None,
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
    hearts_public: bool | None = None,
    default_comment_policy: str | None = None,
    is_private: bool | None = None,
) -> User:
    """Change the caller's own profile. Brands cannot reclassify themselves: only staff can,
    since the feed down-weights brand accounts."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if display_name is not None:
        user.display_name = display_name.strip()
    if bio is not None:
        user.bio = bio.strip()
    if kind is not None and kind != user.kind:
        if user.kind == User.Kind.BRAND or kind not in SELF_SERVICE_KINDS:
            raise PermissionDenied("Only staff can change an account to or from BRAND.")
        user.kind = kind
    if hearts_public is not None:
        user.hearts_public = hearts_public
    if default_comment_policy is not None:
        user.default_comment_policy = default_comment_policy
    going_public = is_private is False and user.is_private
    if is_private is not None:
        user.is_private = is_private
    old_avatar = user.avatar.name if user.avatar else ""
    if avatar is not None:
        user.avatar = _validated_avatar(avatar)
    elif remove_avatar:
        user.avatar = ""
    user.full_clean(exclude=["password", "username", "email", "avatar"])
    user.save()
    if going_public:
        social_graph.accept_all_follow_requests(user)
        user.refresh_from_db(fields=["follower_count"])
    if old_avatar and old_avatar != (user.avatar.name if user.avatar else ""):
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return user
