"""locust users for `make bench` (scripts/bench.py): each requests ``BENCH_PATH`` again as soon as it is answered.

``BENCH_COOKIE`` is a signed-in session's cookies (the script signs in once: twenty sign-ins
would spend the measured seconds on password hashing). Every request says
``X-Forwarded-Proto: https``, as the TLS proxy in front of gunicorn does.
"""

import os

from locust import FastHttpUser, constant, task


class PageUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.path = os.environ["BENCH_PATH"]
        self.headers = {"X-Forwarded-Proto": "https", "Accept-Language": "sv", "Cookie": os.environ["BENCH_COOKIE"]}

    @task
    def page(self) -> None:
        with self.client.get(self.path, headers=self.headers, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
