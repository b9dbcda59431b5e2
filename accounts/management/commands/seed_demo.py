from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import social_graph

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "flywheel-admin"
DEMO_PASSWORD = "flywheel-demo"

# (username, kind, display name, bio)
DEMO_ACCOUNTS = [
    ("mia.cooks", User.Kind.CREATOR, "Mia Cooks", "15-second recipes. #food #quickmeals"),
    ("dancewithleo", User.Kind.CREATOR, "Leo", "Choreography every day. #dance"),
    ("nomad.nora", User.Kind.CREATOR, "Nora on the road", "Cheap flights, big views. #travel"),
    ("pixel.pete", User.Kind.CREATOR, "Pixel Pete", "Retro games and speedruns. #gaming"),
    ("fizzy", User.Kind.BRAND, "Fizzy Soda", "The official Fizzy account."),
    ("stridesneakers", User.Kind.BRAND, "Stride Sneakers", "Run further."),
    ("sam", User.Kind.PERSONAL, "Sam", "Here for the recipes."),
    ("jo", User.Kind.PERSONAL, "Jo", ""),
    ("alex", User.Kind.PERSONAL, "Alex", "Dance and games."),
    ("riley", User.Kind.PERSONAL, "Riley", "Weekend traveller."),
]

DEMO_FOLLOWS = {
    "sam": ["mia.cooks", "nomad.nora", "fizzy"],
    "jo": ["mia.cooks", "dancewithleo", "pixel.pete"],
    "alex": ["dancewithleo", "pixel.pete", "stridesneakers"],
    "riley": ["nomad.nora", "mia.cooks"],
    "mia.cooks": ["nomad.nora"],
    "dancewithleo": ["mia.cooks", "pixel.pete"],
}


class Command(BaseCommand):
    help = "Load a small demo community (idempotent) and print how to sign in. Development only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo loads well-known passwords; it only runs with DEBUG=1.")
        with transaction.atomic():
            admin = self._account(ADMIN_USERNAME, User.Kind.PERSONAL, "Flywheel admin", "", ADMIN_PASSWORD)
            if not admin.is_superuser:
                admin.is_staff = admin.is_superuser = True
                admin.save(update_fields=["is_staff", "is_superuser"])
            accounts = {
                username: self._account(username, kind, name, bio, DEMO_PASSWORD)
                for username, kind, name, bio in DEMO_ACCOUNTS
            }
            for follower, followees in DEMO_FOLLOWS.items():
                for followee in followees:
                    social_graph.follow(accounts[follower], accounts[followee])
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(accounts)} accounts."))
        self.stdout.write(f"  admin sign-in:  {ADMIN_USERNAME} / {ADMIN_PASSWORD}   (at /admin/)")
        self.stdout.write(f"  demo accounts:  {', '.join(accounts)} / {DEMO_PASSWORD}")

    def _account(self, username, kind, display_name, bio, password) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@demo.flywheel.test",
                "kind": kind,
                "display_name": display_name,
                "bio": bio,
                "is_verified": kind == User.Kind.BRAND,
                "email_verified_at": timezone.now(),
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        return user
