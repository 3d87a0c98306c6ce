"""A static loopback server for client benchmarks: it serves prebuilt bodies, so every client
measured reads identical bytes and the server's own cost is the same for all of them.

Run as ``python benchmarks/_loopback.py PORTFILE [CHUNKS [ROWS]]`` (it writes its port to
PORTFILE; CHUNKS and ROWS size the stream and the embeddings list, smaller for ``--quick``
runs); the benchmarks start it as a subprocess so it does not share the measured process's GIL
or CPU clock.
"""

from __future__ import annotations

import base64
import json
import sys

import numpy as np

N_CHUNKS = 5_000  # short rounds, many of them: the official client spends ~0.1 ms a chunk
N_EMB, DIM = 2048, 1536


def sse_body(n: int = N_CHUNKS) -> bytes:
    parts = []
    base = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1764000000,
            "model": "gpt-5.4-mini", "system_fingerprint": "fp_bench"}
    first = dict(base, choices=[{"index": 0, "delta": {"role": "assistant", "content": ""},
                                 "logprobs": None, "finish_reason": None}])
    parts.append(b"data: " + json.dumps(first).encode() + b"\n\n")
    for i in range(n):
        chunk = dict(base, choices=[{"index": 0, "delta": {"content": f"tok{i % 97} "},
                                     "logprobs": None, "finish_reason": None}])
        parts.append(b"data: " + json.dumps(chunk).encode() + b"\n\n")
    last = dict(base, choices=[{"index": 0, "delta": {}, "logprobs": None,
                                "finish_reason": "stop"}])
    parts.append(b"data: " + json.dumps(last).encode() + b"\n\n")
    parts.append(b"data: [DONE]\n\n")
    return b"".join(parts)


def embeddings_body(n: int = N_EMB, dim: int = DIM) -> bytes:
    rng = np.random.default_rng(0)
    mat = rng.standard_normal((n, dim)).astype("<f4")
    data = [{"object": "embedding", "index": i,
             "embedding": base64.b64encode(mat[i].tobytes()).decode("ascii")} for i in range(n)]
    return json.dumps({"object": "list", "data": data, "model": "text-embedding-3-small",
                       "usage": {"prompt_tokens": n * 8, "total_tokens": n * 8}}).encode()


def envelope(body: bytes) -> bytes:
    return (b'{"message":"Request completed","provider":"openai","result":' + body
            + b',"response_headers":{"x-request-id":"req_bench"}}')


def make_app(chunks: int = N_CHUNKS, rows: int = N_EMB):
    sse = sse_body(chunks)
    emb = embeddings_body(rows)
    emb_env = envelope(emb)
    step = 1 << 16

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path = scope["path"]
        while True:  # drain the request body
            msg = await receive()
            if not msg.get("more_body"):
                break
        if path.endswith("/chat/completions"):
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/event-stream; charset=utf-8")]})
            for i in range(0, len(sse), step):
                await send({"type": "http.response.body", "body": sse[i:i + step],
                            "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            return
        if path.endswith("/embeddings"):
            body = emb_env if path.startswith("/openai/") else emb
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"message":"Not Found"}'})

    return app


def main(portfile: str, chunks: int = N_CHUNKS, rows: int = N_EMB) -> None:
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(make_app(chunks, rows), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    with open(portfile, "w") as fh:
        fh.write(str(port))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:4]))
