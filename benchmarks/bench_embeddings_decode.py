"""2,048 base64 embeddings of 1,536 dimensions into a float32 matrix, from one loopback server.

Three consumers fetch the same prebuilt JSON body from the same server process:
- floor: bare httpx + ``json.loads`` + ``np.frombuffer(base64.b64decode(...))`` per row into
  one (n, d) float32 matrix, nothing else;
- lcoai_notebook: ``client.embeddings.create(..., encoding_format="base64").to_numpy()``
  (openai flavor; the lowcodeapi flavor, which adds the envelope, is timed too);
- peer: the official ``openai`` package (which also asks for base64 and decodes with numpy),
  then ``np.asarray`` of the rows.
Target (issue 2): lcoai_notebook <= 1.2x the floor.
"""

from __future__ import annotations

import argparse
import base64
import json

import httpx
import numpy as np
from _common import best_of, loopback_server, write_result
from _loopback import DIM, N_EMB

INPUTS = [f"text {i}" for i in range(N_EMB)]


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
    ap.add_argument("--repeat", type=int, default=7)
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
        assert np.array_equal(ours(ours_openai), expected)
        assert np.array_equal(ours(ours_lca), expected)
        assert np.allclose(peer(official), expected)
        t_floor = best_of(lambda: floor(url), args.repeat)
        t_ours = best_of(lambda: ours(ours_openai), args.repeat)
        t_ours_lca = best_of(lambda: ours(ours_lca), args.repeat)
        t_peer = best_of(lambda: peer(official), args.repeat)
        ours_openai.close()
        ours_lca.close()
        official.close()
        _HTTP.close()
    result = {
        "rows": N_EMB, "dimensions": DIM,
        "median_seconds": {"floor_httpx_frombuffer": round(t_floor, 4),
                           "lcoai_notebook": round(t_ours, 4),
                           "lcoai_notebook_lowcodeapi_flavor": round(t_ours_lca, 4),
                           "openai_official": round(t_peer, 4)},
        "ratio_ours_vs_floor": round(t_ours / t_floor, 3),
        "ratio_ours_lowcodeapi_vs_floor": round(t_ours_lca / t_floor, 3),
        "ratio_ours_vs_openai": round(t_ours / t_peer, 3),
        "ratio_openai_vs_floor": round(t_peer / t_floor, 3),
        "target": "lcoai_notebook <= 1.2x floor",
    }
    result["pass"] = result["ratio_ours_vs_floor"] <= 1.2
    write_result("embeddings_decode", result)


if __name__ == "__main__":
    main()
