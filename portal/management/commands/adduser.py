import getpass
import secrets
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.roles import Role
from portal.services import ScopeRequest, create_user_with_role


class Command(BaseCommand):
    help = (
        "Create a user (or add a role to an existing one) with a role and its scope, e.g. "
        "adduser anna --role municipal_officer --municipality 1281 --email anna@lund.se"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--county", help="SCB county code, e.g. 12 (county roles and actor contacts)")
        parser.add_argument(
            "--municipality", action="append", default=[], help="SCB municipality code, e.g. 1281; repeat for several"
        )
        parser.add_argument("--actor", help="Actor name, e.g. Polisen (actor contacts, together with --county)")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password",
            help="Password to set. Without it you are asked for one; without a terminal one is generated and printed.",
        )

    def handle(self, *args, **options):
        password = options["password"]
        generated = False
        if password is None:
            if sys.stdin.isatty():
                password = getpass.getpass("Lösenord: ")
                if password != getpass.getpass("Lösenord igen: "):
                    raise CommandError("The passwords do not match.")
            else:
                password, generated = secrets.token_urlsafe(12), True
        try:
            validate_password(password)
            user = create_user_with_role(
                username=options["username"],
                role=options["role"],
                scope=ScopeRequest(
                    county_code=options["county"],
                    municipality_codes=tuple(options["municipality"]),
                    actor_name=options["actor"],
                ),
                password=password,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        grants = ", ".join(str(grant.describe()) for grant in user.grants.all())
        self.stdout.write(self.style.SUCCESS(f"{user.username}: {grants}"))
        if generated:
            self.stdout.write(f"Generated password: {password}")
