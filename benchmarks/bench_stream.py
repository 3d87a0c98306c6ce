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
from _common import best_of, loopback_server, write_result
from _loopback import N_CHUNKS

MESSAGES = [{"role": "user", "content": "stream please"}]


# One pooled connection for the floor, as each client measured keeps its own.
_HTTP = httpx.Client(timeout=60)


def floor(url: str) -> str:
    parts = []
    body = {"model": "gpt-5-mini", "messages": MESSAGES, "stream": True}
    with _HTTP.stream("POST", url + "/v1/chat/completions", json=body) as r:
        for line in r.iter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                delta = json.loads(line[6:])["choices"][0]["delta"]
                parts.append(delta.get("content") or "")
    return "".join(parts)


def ours(client) -> str:
    parts = []
    stream = client.chat.completions.create(model="gpt-5-mini", messages=MESSAGES, stream=True)
    with stream:
        for chunk in stream:
            parts.append(chunk.choices[0].delta.content or "")
    return "".join(parts)


def peer(client) -> str:
    parts = []
    stream = client.chat.completions.create(model="gpt-5-mini", messages=MESSAGES, stream=True)
    for chunk in stream:
        parts.append(chunk.choices[0].delta.content or "")
    return "".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    import openai

    import lcoai_notebook as lco

    with loopback_server() as url:
        ours_openai = lco.Client(api_token="sk-bench", base_url=url + "/v1", flavor="openai",
                                 max_retries=0)
        ours_lca = lco.Client(api_token="at_bench", base_url=url + "/openai",
                              flavor="lowcodeapi", max_retries=0)
        official = openai.OpenAI(api_key="sk-bench", base_url=url + "/v1", max_retries=0)
        expected = floor(url)
        assert ours(ours_openai) == expected and peer(official) == expected
        assert ours(ours_lca) == expected
        t_floor = best_of(lambda: floor(url), args.repeat)
        t_ours = best_of(lambda: ours(ours_openai), args.repeat)
        t_ours_lca = best_of(lambda: ours(ours_lca), args.repeat)
        t_peer = best_of(lambda: peer(official), args.repeat)
        ours_openai.close()
        ours_lca.close()
        official.close()
        _HTTP.close()
    result = {
        "chunks": N_CHUNKS,
        "median_seconds": {"floor_httpx_iter_lines": round(t_floor, 4),
                           "lcoai_notebook": round(t_ours, 4),
                           "lcoai_notebook_lowcodeapi_flavor": round(t_ours_lca, 4),
                           "openai_official": round(t_peer, 4)},
        "ratio_ours_vs_floor": round(t_ours / t_floor, 3),
        "ratio_ours_lowcodeapi_vs_floor": round(t_ours_lca / t_floor, 3),
        "ratio_ours_vs_openai": round(t_ours / t_peer, 3),
        "ratio_openai_vs_floor": round(t_peer / t_floor, 3),
        "target": "lcoai_notebook <= 2x floor",
    }
    result["pass"] = result["ratio_ours_vs_floor"] <= 2.0
    write_result("stream", result)


if __name__ == "__main__":
    main()
