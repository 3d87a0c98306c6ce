"""Consuming a 20,000-chunk chat stream from one loopback server, text accumulated.

Three consumers read the same prebuilt SSE body from the same server process:
- floor: bare httpx ``iter_lines`` + ``json.loads``, nothing else;
- lcoai_notebook: ``client.chat.completions.create(stream=True)``, reading
  ``chunk.choices[0].delta.content`` (openai flavor; the lowcodeapi flavor is timed too);
- peer: the official ``openai`` package, the same loop.
Target (issue 2): lcoai_notebook <= 2x the floor.
"""

from __future__ import annotations

import argparse
import json

import httpx
from _common import loopback_server, three_clients, time_against_floor, write_result
from _loopback import N_CHUNKS

MESSAGES = [{"role": "user", "content": "stream please"}]


# One pooled connection for the floor, as each client measured keeps its own.
_HTTP = httpx.Client(timeout=60)


def floor(url: str) -> str:
    parts = []
    body = {"model": "gpt-5.4-mini", "messages": MESSAGES, "stream": True}
    with _HTTP.stream("POST", url + "/v1/chat/completions", json=body) as r:
        for line in r.iter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                delta = json.loads(line[6:])["choices"][0]["delta"]
                parts.append(delta.get("content") or "")
    return "".join(parts)


def ours(client) -> str:
    parts = []
    stream = client.chat.completions.create(model="gpt-5.4-mini", messages=MESSAGES, stream=True)
    with stream:
        for chunk in stream:
            parts.append(chunk.choices[0].delta.content or "")
    return "".join(parts)


def peer(client) -> str:
    parts = []
    stream = client.chat.completions.create(model="gpt-5.4-mini", messages=MESSAGES, stream=True)
    for chunk in stream:
        parts.append(chunk.choices[0].delta.content or "")
    return "".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with loopback_server() as url:
        clients = three_clients(url)
        ours_openai, ours_lca, official = clients
        expected = floor(url)
        assert ours(ours_openai) == expected and peer(official) == expected
        assert ours(ours_lca) == expected
        result = {"chunks": N_CHUNKS, **time_against_floor(
            lambda: floor(url), ours, peer, clients, args.repeat, "floor_httpx_iter_lines", 2.0)}
    _HTTP.close()
    write_result("stream", result)


if __name__ == "__main__":
    main()
