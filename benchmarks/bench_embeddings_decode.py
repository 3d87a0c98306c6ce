"""2,048 base64 embeddings of 1,536 dimensions into a float32 matrix, from one loopback server.

Three consumers fetch the same prebuilt JSON body from the same server process:
- floor: bare httpx + ``json.loads`` + ``np.frombuffer(base64.b64decode(...))`` per row into
  one (n, d) float32 matrix, nothing else;
- lcoai_notebook: ``client.embeddings.create(..., encoding_format="base64").to_numpy()``
  (openai flavor; the lowcodeapi flavor, which adds the envelope, is timed too);
- peer: the official ``openai`` package (which also asks for base64 and decodes with numpy),
  then ``np.asarray`` of the rows.
Target (issue 2): lcoai_notebook <= 1.2x the floor, on this process's CPU time (the server is
another process), as the median over interleaved rounds of ours over the floor in the same round
(``_common.interleaved`` and ``_common.paired_ratio``).

Why the method: timed on the wall clock with 7 to 9 rounds, the ratio of minimums read 1.27 in
one run and 0.82 in the next. The floor's decode is ~65 ms of CPU, but with a load average of 6
on the 2 cores it took 120 to 430 ms of wall time, decided by the scheduler; a full collection
of the garbage collector (0.23 s with the clients imported) could land inside any round; and a
minimum is decided by the one round the machine left alone. Now every call is timed on the CPU
clock with the collector off (collected before), on the same request objects, after a warm-up
round; the ratio is taken within each round and the median over 20 rounds is reported.
"""

from __future__ import annotations

import argparse
import base64
import json

import httpx
import numpy as np
from _common import (
    check_quick,
    common_args,
    loopback_server,
    three_clients,
    time_against_floor,
    write_result,
)
from _loopback import DIM, N_CHUNKS, N_EMB

INPUTS = [f"text {i}" for i in range(N_EMB)]  # the server answers N_EMB rows whatever is sent


# One pooled connection for the floor, as each client measured keeps its own.
_HTTP = httpx.Client(timeout=60)


def floor(url: str) -> np.ndarray:
    r = _HTTP.post(url + "/v1/embeddings", json={"model": "text-embedding-3-small",
                                                 "input": INPUTS, "encoding_format": "base64"})
    data = json.loads(r.content)["data"]
    out = np.empty((len(data), DIM), dtype=np.float32)
    for item in data:
        out[item["index"]] = np.frombuffer(base64.b64decode(item["embedding"]), dtype="<f4")
    return out


def ours(client) -> np.ndarray:
    return client.embeddings.create(model="text-embedding-3-small", input=INPUTS,
                                    encoding_format="base64").to_numpy()


def peer(client) -> np.ndarray:
    resp = client.embeddings.create(model="text-embedding-3-small", input=INPUTS)
    return np.asarray([d.embedding for d in resp.data], dtype=np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    common_args(ap, rounds=20)
    args = ap.parse_args()
    check_quick(args)
    rows = 64 if args.quick else N_EMB
    rounds = 1 if args.quick else args.rounds
    with loopback_server("_loopback.py", str(N_CHUNKS), str(rows)) as url:
        clients = three_clients(url)
        ours_openai, ours_lca, official = clients
        expected = floor(url)
        assert np.array_equal(ours(ours_openai), expected)
        assert np.array_equal(ours(ours_lca), expected)
        assert np.allclose(peer(official), expected)
        result = {"rows": rows, "dimensions": DIM, **time_against_floor(
            lambda: floor(url), ours, peer, clients, rounds, "floor_httpx_frombuffer", 1.2,
            peer_every=4)}
    _HTTP.close()
    write_result("embeddings_decode", result, args.results)


if __name__ == "__main__":
    main()
