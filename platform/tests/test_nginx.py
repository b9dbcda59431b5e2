"""deploy/nginx/flywheel.conf in front of a live server (issue #24), with Debian's nginx: the API
and websockets pass through, a signed media URL is checked by Django and sent by nginx (with byte
ranges) from the protected folder, and an oversized upload is refused at the door."""

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from conftest import global_id
from platform.tests.live_server import LiveServer, free_port
from platform.tests.waiting import until

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "flywheel.conf"


@pytest.fixture
def behind_nginx(tmp_path, settings, creator, make_published):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "install nginx (apt-get install nginx-light); .ci/run installs it"
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    video = make_published(creator, "served by nginx")
    folder = f"renditions/{video.pk}/test"
    video.playback = {
        "folder": folder,
        "master": f"{folder}/master.m3u8",
        "mp4": f"{folder}/540p.mp4",
        "renditions": [],
    }
    video.save(update_fields=["playback"])
    (media / folder).mkdir(parents=True)
    (media / folder / "540p.mp4").write_bytes(b"0123456789" * 1000)
    server = LiveServer(extra_env={"MEDIA_ROOT": str(media), "MEDIA_ACCEL_REDIRECT": "/protected-media/"})
    port = free_port()
    site = (
        CONF.read_text()
        .replace("server 127.0.0.1:8001;\n    server 127.0.0.1:8002;", f"server 127.0.0.1:{server.port};")
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("/srv/flywheel/media/", f"{media}/")
        .replace("/srv/flywheel/static/", f"{tmp_path}/static/")
    )
    (tmp_path / "site.conf").write_text(site)
    # as root, workers would run as nobody, who may not enter pytest's private temporary folders
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f"  include {tmp_path}/site.conf; }}\n"
    )
    process = subprocess.Popen([nginx, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)])

    def listening() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    until(listening, tries=200, pause=0.05, what="nginx listening", error=RuntimeError)
    yield f"127.0.0.1:{port}", video
    process.terminate()
    process.wait(timeout=10)
    server.stop()


def test_the_api_media_and_websockets_pass_through_nginx(behind_nginx):
    from websockets.sync.client import connect

    address, video = behind_nginx
    query = {"query": "query($id: ID!) { video(id: $id) { caption videoUrl } }", "variables": {"id": global_id(video)}}
    answer = httpx.post(f"http://{address}/graphql", json=query).json()["data"]["video"]
    assert answer["caption"] == "served by nginx" and answer["videoUrl"].startswith(f"http://{address}/media/")
    whole = httpx.get(answer["videoUrl"])
    assert whole.status_code == 200 and whole.content == b"0123456789" * 1000
    assert "x-accel-redirect" not in whole.headers  # nginx took it, sent the file and dropped it
    part = httpx.get(answer["videoUrl"], headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == b"0123456789"
    assert httpx.get(answer["videoUrl"].rsplit("/", 1)[0] + "/other.mp4").status_code == 404
    assert httpx.get(f"http://{address}/protected-media/{video.playback['mp4']}").status_code == 404  # internal

    with connect(f"ws://{address}/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"


def test_an_oversized_upload_is_refused_at_the_door(behind_nginx):
    address, _ = behind_nginx
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 524288000\r\n\r\n"
        )
        status = conn.recv(200).split(b"\r\n", 1)[0]
    assert status.startswith(b"HTTP/1.1 413")
