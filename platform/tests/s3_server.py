"""An S3-protocol server for the tests (moto's, from PyPI, a real HTTP server on a free port):
what production's object storage is to Flywheel, through django-storages' S3 backend."""

import json
import subprocess
import sys

import boto3
import httpx

from platform.tests.live_server import free_port
from platform.tests.waiting import until

ACCESS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


class S3Server:
    def __init__(self, bucket: str = "flywheel"):
        self.port, self.bucket = free_port(), bucket
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

        def answers() -> bool:
            try:
                return httpx.get(self.url, timeout=1) is not None
            except httpx.TransportError:
                return False

        until(answers, tries=300, pause=0.1, what="the S3 server", error=RuntimeError)
        self.client().create_bucket(Bucket=bucket)

    def client(self):
        return boto3.client(
            "s3", endpoint_url=self.url, aws_access_key_id=ACCESS["access_key"],
            aws_secret_access_key=ACCESS["secret_key"], region_name=ACCESS["region_name"],
        )  # fmt: skip

    def options(self) -> dict:
        """MEDIA_STORAGE_OPTIONS for django-storages' S3Storage against this server."""
        return {"bucket_name": self.bucket, "endpoint_url": self.url, "querystring_expire": 600, **ACCESS}

    def env(self) -> dict:
        return {
            "MEDIA_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
            "MEDIA_STORAGE_OPTIONS": json.dumps(self.options()),
        }

    def keys(self, prefix: str = "") -> list[str]:
        found = self.client().list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return [item["Key"] for item in found.get("Contents", [])]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
