import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure an administrator exists. Takes ADMIN_USERNAME, ADMIN_PASSWORD and ADMIN_EMAIL "
        "from the environment; without ADMIN_PASSWORD it generates a password once, keeps it in "
        "var/admin-password.txt and prints it."
    )

    def handle(self, *args, **options):
        username = os.environ.get("ADMIN_USERNAME", "admin")
        password = os.environ.get("ADMIN_PASSWORD")
        password_file = settings.BASE_DIR / "var" / "admin-password.txt"
        if not password and password_file.exists():
            password = password_file.read_text().strip()

        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            if not password:
                password = secrets.token_urlsafe(12)
                password_file.parent.mkdir(parents=True, exist_ok=True)
                password_file.write_text(password + "\n")
                password_file.chmod(0o600)
            email = os.environ.get("ADMIN_EMAIL", "admin@example.org")
            get_user_model().objects.create_superuser(username, email, password)
            self.stdout.write(self.style.SUCCESS(f"Created the administrator '{username}'."))
        elif "ADMIN_PASSWORD" in os.environ and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(self.style.SUCCESS(f"Set the password of '{username}'."))
        shown = password if password else "(the password you chose)"
        self.stdout.write(f"Wagtail admin: /admin/  user: {username}  password: {shown}")
