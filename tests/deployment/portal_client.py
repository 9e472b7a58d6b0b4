"""Ask a portal installation for pages as a signed-in user, from a process of its own.

``python -m tests.deployment.portal_client USERNAME URL...`` with the installation's settings in the
environment (``DATABASE_URL``, ``OBJECT_STORE_*`` …) prints one JSON object per URL: its status, its
content type, the SHA-256 of its body and, for a page, its HTML. The backup drill uses it to read
the restored installation through the portal's own views and permission checks, as a user would.
"""

import hashlib
import json
import os
import sys


def main(username: str, urls: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    answers = []
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        content_type = response.get("Content-Type", "")
        answers.append(
            {
                "url": url,
                "status": response.status_code,
                "content_type": content_type,
                "sha256": hashlib.sha256(body).hexdigest(),
                "html": body.decode() if content_type.startswith("text/html") else "",
            }
        )
    sys.stdout.write(json.dumps(answers))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
