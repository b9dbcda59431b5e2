"""The floor for bench/live_comments.py: the same uvicorn, with no Django, Channels or GraphQL.

A bare ASGI app that speaks just enough graphql-transport-ws (ack, subscribe) and, for every
POST to /graphql carrying `variables.t`, sends a `next` message with that text to every
subscriber, one after another. What it costs is what any Python server on this machine pays to
write N websocket frames; what the real stack costs above it is ours to answer for.

    uvicorn bench.ws_floor:app --ws-per-message-deflate false
"""

import json

from bench.bare_asgi import read_body

subscribers: list[tuple] = []  # (send, subscription id)


async def app(scope, receive, send):
    if scope["type"] == "websocket":
        await websocket(receive, send)
    elif scope["type"] == "http":
        await http(receive, send)


async def websocket(receive, send):
    mine = []
    try:
        while True:
            event = await receive()
            if event["type"] == "websocket.connect":
                await send({"type": "websocket.accept", "subprotocol": "graphql-transport-ws"})
            elif event["type"] == "websocket.receive":
                message = json.loads(event.get("text") or "{}")
                if message.get("type") == "connection_init":
                    await send({"type": "websocket.send", "text": '{"type":"connection_ack"}'})
                elif message.get("type") == "subscribe":
                    entry = (send, message["id"])
                    subscribers.append(entry)
                    mine.append(entry)
            elif event["type"] == "websocket.disconnect":
                return
    finally:
        for entry in mine:
            subscribers.remove(entry)


async def http(receive, send):
    body = await read_body(receive)
    text = (json.loads(body or b"{}").get("variables") or {}).get("t")
    if text is not None:
        data = json.dumps({"commentAdded": {"id": "floor", "text": text}})
        for subscriber, op_id in tuple(subscribers):
            message = f'{{"id":{json.dumps(op_id)},"type":"next","payload":{{"data":{data}}}}}'
            await subscriber({"type": "websocket.send", "text": message})
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"data":{}}'})
