"""An S3-compatible object store for the tests: moto's server (PyPI ``moto[s3]``) as a process on loopback.

It is a real HTTP server speaking the S3 protocol, so the portal talks to it through django-storages
and boto3 exactly as it talks to a cloud's object store; a test stops it to see what the portal does
when its store is down, and starts it again.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sys
import uuid
from pathlib import Path

import boto3
from botocore.config import Config

from tests.resilience.stack import Service, free_port

ACCESS_KEY = "portal-test-key"
SECRET_KEY = "portal-test-secret"  # the test server accepts any
REGION = "eu-north-1"


class ObjectStoreServer:
    """``python -m moto.server`` on a free loopback port (or ``host``), with its log in ``folder``."""

    def __init__(self, folder: Path, host: str = "127.0.0.1") -> None:
        self.folder, self.host, self.port = folder, host, free_port()
        self.service: Service | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        argv = [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)]
        self.service = Service("object store (moto)", argv, self.folder / "objectstore.log", dict(os.environ))
        self.service.wait_for(self._answers, 60, "the object store to answer")

    def _answers(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        """Stopping moto's server loses what it stored, like a store whose data is gone: tests that
        restart it re-create their bucket (``create_bucket``)."""
        if self.service is not None:
            self.service.stop()
            self.service = None

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def create_bucket(self, name: str | None = None) -> str:
        name = name or f"portal-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        return name

    def env(self, bucket: str) -> dict[str, str]:
        """The environment that makes a portal process store its files in ``bucket`` (portal/settings.py)."""
        return {
            "OBJECT_STORE_BUCKET": bucket,
            "OBJECT_STORE_ENDPOINT_URL": self.endpoint,
            "OBJECT_STORE_REGION": REGION,
            "OBJECT_STORE_ACCESS_KEY_ID": ACCESS_KEY,
            "OBJECT_STORE_SECRET_ACCESS_KEY": SECRET_KEY,
            "OBJECT_STORE_CONNECT_TIMEOUT": "2",
            "OBJECT_STORE_MAX_ATTEMPTS": "1",
        }

    def storage_setting(self, bucket: str) -> dict:
        """``STORAGES["default"]`` for this process, as portal/settings.py makes it from ``env``."""
        return {
            "BACKEND": "core.files.storage.AtomicObjectStorage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": self.endpoint,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "connect_timeout": 2,
                "max_attempts": 1,
            },
        }

    def checksums(self, bucket: str) -> dict[str, str]:
        """Every object of ``bucket``: name → SHA-256 of its content."""
        client = self.client()
        found = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for entry in page.get("Contents", ()):
                body = client.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
                found[entry["Key"]] = hashlib.sha256(body).hexdigest()
        return found


def use_bucket(settings, server: ObjectStoreServer, bucket: str | None = None) -> str:
    """Point this process's file storage (pytest-django's ``settings``) at ``bucket`` of ``server``, made
    afresh when not given; returns its name. Django drops its storages when ``STORAGES`` changes."""
    bucket = bucket or server.create_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": server.storage_setting(bucket)}
    return bucket
