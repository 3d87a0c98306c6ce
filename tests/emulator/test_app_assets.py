"""Generated image URLs can be fetched without a token, like OpenAI's signed CDN URLs."""

from __future__ import annotations

import httpx
import pytest

from lcoai_notebook.emulator import Emulator


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_image_url_is_fetchable_without_credentials(flavor: str) -> None:
    emu = Emulator(flavor=flavor)
    client = emu.client()
    try:
        resp = client.images.generate(model="dall-e-2", prompt="a red kite", size="256x256",
                                      response_format="url")
        url = resp.data[0].url
        assert url.startswith("http") and emu.api_token not in url
        with httpx.Client(transport=emu.transport()) as http:
            got = http.get(url, headers={"X-Emulator-Fault": "status=500"})
        assert got.status_code == 200
        assert got.headers["content-type"] == "image/png"
        assert got.content.startswith(b"\x89PNG\r\n\x1a\n")
    finally:
        client.close()
