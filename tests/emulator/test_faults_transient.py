"""Random faults are transient: they clear once a request has been retried enough times."""

from __future__ import annotations

import httpx
import pytest

from lcoai_notebook.emulator import Emulator


def _statuses(emu: Emulator, retry_header: str | None, retry_count: int, n: int = 200) -> list:
    headers = {"Authorization": f"Bearer {emu.api_token}"}
    if retry_header:
        headers[retry_header] = str(retry_count)
    out = []
    with httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url) as http:
        for _ in range(n):
            try:
                out.append(http.get("/models/gpt-4o-mini", headers=headers).status_code)
            except httpx.RemoteProtocolError:
                out.append("drop")
    return out


@pytest.mark.parametrize("header", ["X-Lcoai-Retry-Count", "X-Stainless-Retry-Count"])
def test_a_request_retried_three_times_is_not_faulted(header: str) -> None:
    emu = Emulator(flavor="openai", fault_rate=0.5)
    first = _statuses(emu, header, 0)
    assert 60 <= sum(s != 200 for s in first) <= 140  # faults really are injected
    assert _statuses(emu, header, 3) == [200] * 200


def test_independent_faults_when_the_bound_is_off() -> None:
    emu = Emulator(flavor="openai", fault_rate=0.5, fault_max_consecutive=None)
    later = _statuses(emu, "X-Lcoai-Retry-Count", 3)
    assert 60 <= sum(s != 200 for s in later) <= 140


def test_header_requested_faults_always_apply() -> None:
    emu = Emulator(flavor="openai")
    with httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url) as http:
        r = http.get("/models/gpt-4o-mini",
                     headers={"Authorization": f"Bearer {emu.api_token}",
                              "X-Lcoai-Retry-Count": "5", "X-Emulator-Fault": "status=503"})
    assert r.status_code == 503
