"""Request bodies are bounded before they are read: the real ASGI app on a real socket."""

import json
import select
import socket

import httpx
import pytest

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


def raw_exchange(server, head: bytes, body: bytes = b"", timeout: float = 5) -> bytes:
    """Send request headers (and maybe part of a body) and read whatever comes back."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(head + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
            if b"\r\n\r\n" in answer and answer.count(b"}") >= 1 and answer.rstrip().endswith(b"}"):
                break
        return answer


def status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def upload_head(length: int, credentials: bytes = b"Authorization: Bearer fw_x\r\n") -> bytes:
    """The headers of a multipart upload declaring `length` bytes of body."""
    return (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: multipart/form-data; boundary=x\r\n"
        b"Content-Length: %d\r\n\r\n" % (credentials, length)
    )


def test_a_declared_gigabyte_is_refused_before_a_byte_of_it_is_sent(live_server_process):
    answer = raw_exchange(live_server_process, upload_head(2**30))
    assert status(answer) == 413
    assert b'"TOO_LARGE"' in answer


def test_an_upload_over_the_video_limit_is_refused_from_its_length(live_server_process, settings):
    declared = settings.VIDEO_MAX_BYTES + 2 * 1024 * 1024
    assert status(raw_exchange(live_server_process, upload_head(declared))) == 413


def test_an_anonymous_upload_is_refused_before_its_body(live_server_process):
    answer = raw_exchange(live_server_process, upload_head(50_000_000, credentials=b""))
    assert status(answer) == 401
    assert b'"UNAUTHENTICATED"' in answer


def test_a_body_without_a_length_is_cut_off_once_it_passes_the_limit(live_server_process, settings):
    head = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b" " * 65536
    sent, answer = 0, b""
    with socket.create_connection(("127.0.0.1", live_server_process.port), timeout=5) as sock:
        sock.sendall(head)
        while sent < 8 * settings.REQUEST_MAX_BYTES and not answer:
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            except OSError:  # the server answered and closed: read what it said
                break
            if select.select([sock], [], [], 0)[0]:
                answer = sock.recv(65536)
        answer = answer or sock.recv(65536)
    assert status(answer) == 413
    # the answer came long before the body's end (what was sent past the limit sat in buffers)
    assert sent < 8 * settings.REQUEST_MAX_BYTES


def test_a_json_body_over_a_megabyte_is_refused(live_server_process, settings):
    body = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * settings.REQUEST_MAX_BYTES}})
    response = httpx.post(
        f"{live_server_process.url}/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_ordinary_requests_pass(live_server_process):
    assert live_server_process.graphql("{ __typename }").json() == {"data": {"__typename": "Query"}}


def test_a_non_numeric_length_is_a_400(live_server_process):
    head = b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 12x\r\n\r\n"
    answer = raw_exchange(live_server_process, head)
    assert status(answer) == 400
