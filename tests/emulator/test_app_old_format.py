"""Old-format paths with a path value missing from the query get a 400 naming it."""

from __future__ import annotations

import httpx

from lcoai_notebook.emulator import Emulator


def test_old_format_missing_value_is_named() -> None:
    emu = Emulator()
    with httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url) as http:
        thread = http.post("/v1/threads", params={"api_token": emu.api_token}, json={}).json()
        tid = thread["result"]["id"]
        r = http.get("/v1/threads/thread_id/messages/message_id",
                     params={"api_token": emu.api_token, "thread_id": tid})
        assert r.status_code == 400
        err = r.json()["error"]["error"]
        assert err["param"] == "message_id" and "missing: message_id" in err["message"]
        # With every value given, the Old path works (an unknown message is a 404).
        r = http.get("/v1/threads/thread_id/messages/message_id",
                     params={"api_token": emu.api_token, "thread_id": tid,
                             "message_id": "msg_unknown"})
        assert r.status_code == 404
