"""The load of bench/chaos.py: phones that retry what failed (with idempotency keys, as a real
app on a flaky network does) and now and then send an accepted request again, and live
subscribers that resubscribe when their subscription ends. Everything the server accepted
is written in the Ledger, to be compared with the database at the end."""

import asyncio
import collections
import json
import random
import time
import uuid
from dataclasses import dataclass, field

import httpx
import websockets

FEED = "query { forYou(first: 10) { edges { node { video { id } } } } }"
WATCH = "mutation($input: WatchEventsInput!) { recordWatchEvents(input: $input) { accepted errors { code } } }"
COMMENT = "mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } errors { code } } }"
HEART = "mutation($input: VideoInput!) { heartVideo(input: $input) { video { id } errors { code } } }"
UNHEART = "mutation($input: VideoInput!) { unheartVideo(input: $input) { video { id } errors { code } } }"
SHARE = "mutation($input: VideoInput!) { shareVideo(input: $input) { video { id } errors { code } } }"
UPLOAD = "mutation($input: UploadVideoInput!) { uploadVideo(input: $input) { video { id } errors { code } } }"
LIVE = "subscription($id: ID!) { commentAdded(videoId: $id) { id } }"

RETRIED = ("transport", "UNAVAILABLE")  # and any HTTP 5xx: the phone tries again, same key
ACTIONS = {"feed": 30, "watch": 30, "heart": 15, "comment": 15, "share": 10}
RESEND = 0.25  # share of accepted writes sent again, as if the answer had been lost


@dataclass
class Ledger:
    start: float = field(default_factory=time.monotonic)
    attempts: list = field(default_factory=list)  # (sent, answered: seconds into the run, action, outcome)
    comments: dict = field(default_factory=dict)  # key -> (video pk, comment id)
    shares: dict = field(default_factory=dict)  # key -> video pk
    batches: dict = field(default_factory=dict)  # batch id -> events accepted
    hearts: dict = field(default_factory=dict)  # (user pk, video pk) -> hearted; None: unknown
    uploads: dict = field(default_factory=dict)  # key -> video id
    resent: int = 0
    resent_differently: int = 0
    delivered: int = 0
    delivered_twice: int = 0
    delivered_ids: set = field(default_factory=set)
    live_ends: collections.Counter = field(default_factory=collections.Counter)

    def record(self, sent: float, action: str, outcome: str) -> None:
        self.attempts.append((sent - self.start, time.monotonic() - self.start, action, outcome))


def outcome_of(response: httpx.Response) -> tuple[str, dict | None]:
    if not 200 <= response.status_code < 300:
        return f"HTTP {response.status_code}", None
    body = response.json()
    if body.get("errors"):
        error = body["errors"][0]
        return error.get("extensions", {}).get("code", f"ERROR {error['message'][:60]}"), None
    payload = next(iter(body["data"].values()))
    if isinstance(payload, dict) and payload.get("errors"):
        return payload["errors"][0]["code"], None
    return "ok", payload


class Phone:
    """One signed-in app: picks an action, sends it until it is accepted (or the run is over)."""

    def __init__(self, ledger, http: httpx.AsyncClient, user_pk: int, token: str, videos, seed: int):
        self.ledger, self.http, self.user_pk, self.videos = ledger, http, user_pk, videos
        self.headers = {"Authorization": f"Bearer {token}"}
        self.rng = random.Random(seed)

    async def send(self, action: str, query: str, variables: dict, give_up_at: float, files=None):
        while (sent := time.monotonic()) < give_up_at:
            try:
                if files:
                    response = await self._multipart(query, variables, files)
                else:
                    body = {"query": query, "variables": variables}
                    response = await self.http.post("/graphql", json=body, headers=self.headers)
                kind, payload = outcome_of(response)
            except httpx.TransportError:
                kind, payload = "transport", None
            self.ledger.record(sent, action, kind)
            if kind == "ok":
                return payload
            if kind not in RETRIED and not kind.startswith("HTTP 5"):
                return None
            await asyncio.sleep(0.3)
        return None

    async def _multipart(self, query, variables, files):
        operations = json.dumps({"query": query, "variables": variables})
        data = {"operations": operations, "map": json.dumps({"0": ["variables.input.file"]})}
        headers = {**self.headers, "Apollo-Require-Preflight": "true"}
        return await self.http.post("/graphql", data=data, files={"0": files}, headers=headers)

    async def resend(self, action, query, variables, first, give_up_at, files=None):
        """The same request again, as after a lost answer: it must answer as the first did."""
        if self.rng.random() >= RESEND:
            return
        self.ledger.resent += 1
        if await self.send(action, query, variables, give_up_at, files) != first:
            self.ledger.resent_differently += 1

    async def run(self, until: float, give_up_at: float) -> None:
        while time.monotonic() < until:
            action = self.rng.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
            await getattr(self, action)(give_up_at)
            await asyncio.sleep(self.rng.uniform(0.02, 0.1))

    async def feed(self, give_up_at):
        await self.send("feed", FEED, {}, give_up_at)

    async def watch(self, give_up_at):
        batch = uuid.uuid4().hex
        events = [
            {"videoId": gid, "watchedMs": self.rng.randint(500, 9000), "completed": self.rng.random() < 0.3}
            for _, gid in self.rng.sample(self.videos, 3)
        ]
        variables = {"input": {"events": events, "batchId": batch}}
        answer = await self.send("watch", WATCH, variables, give_up_at)
        if answer is not None:
            self.ledger.batches[batch] = answer["accepted"]
            await self.resend("watch", WATCH, variables, answer, give_up_at)

    async def comment(self, give_up_at):
        pk, gid = self.rng.choice(self.videos)
        key = uuid.uuid4().hex
        variables = {"input": {"videoId": gid, "text": f"chaos {key[:8]}", "idempotencyKey": key}}
        answer = await self.send("comment", COMMENT, variables, give_up_at)
        if answer is not None:
            self.ledger.comments[key] = (pk, answer["comment"]["id"])
            await self.resend("comment", COMMENT, variables, answer, give_up_at)

    async def heart(self, give_up_at):
        pk, gid = self.rng.choice(self.videos)
        hearted = self.ledger.hearts.get((self.user_pk, pk)) or False
        query = UNHEART if hearted else HEART
        variables = {"input": {"videoId": gid, "idempotencyKey": uuid.uuid4().hex}}
        self.ledger.hearts[(self.user_pk, pk)] = None  # unknown until the server answers
        if (answer := await self.send("heart", query, variables, give_up_at)) is not None:
            self.ledger.hearts[(self.user_pk, pk)] = not hearted
            await self.resend("heart", query, variables, answer, give_up_at)

    async def share(self, give_up_at):
        pk, gid = self.rng.choice(self.videos)
        key = uuid.uuid4().hex
        variables = {"input": {"videoId": gid, "idempotencyKey": key}}
        if (answer := await self.send("share", SHARE, variables, give_up_at)) is not None:
            self.ledger.shares[key] = pk
            await self.resend("share", SHARE, variables, answer, give_up_at)

    async def upload(self, content: bytes, give_up_at: float) -> None:
        key = uuid.uuid4().hex
        variables = {"input": {"file": None, "caption": "chaos upload", "idempotencyKey": key}}
        files = ("chaos.mp4", content, "video/mp4")
        if (answer := await self.send("upload", UPLOAD, variables, give_up_at, files)) is not None:
            self.ledger.uploads[key] = answer["video"]["id"]
            await self.resend("upload", UPLOAD, variables, answer, give_up_at, files)


async def subscriber(ledger: Ledger, ws_url: str, video_gid: str, until: float) -> None:
    """Watch a video's live comments; when the subscription ends, note why and subscribe again."""
    while time.monotonic() < until:
        try:
            await _subscribe_once(ledger, ws_url, video_gid, until)
        except (TimeoutError, OSError, websockets.ConnectionClosed) as exc:
            if time.monotonic() < until:
                ledger.live_ends[type(exc).__name__] += 1
        await asyncio.sleep(0.5)


async def _subscribe_once(ledger: Ledger, ws_url: str, video_gid: str, until: float) -> None:
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=5) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        if json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] != "connection_ack":
            ledger.live_ends["refused"] += 1
            return
        subscribe = {"query": LIVE, "variables": {"id": video_gid}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        seen = set()
        while (left := until - time.monotonic()) > 0:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), left))
            except TimeoutError:
                return
            if message["type"] == "next" and "errors" in message["payload"]:
                ledger.live_ends[message["payload"]["errors"][0].get("extensions", {}).get("code", "ERROR")] += 1
            elif message["type"] == "next":
                comment = message["payload"]["data"]["commentAdded"]["id"]
                ledger.delivered += 1
                ledger.delivered_twice += comment in seen
                seen.add(comment)
                ledger.delivered_ids.add(comment)
            elif message["type"] == "error":
                ledger.live_ends[message["payload"][0].get("extensions", {}).get("code", "ERROR")] += 1
                return
            elif message["type"] == "complete":
                return
