"""The audio panel in a real JupyterLab page: upload a file, and record with Chromium's fake
microphone, then see the transcript and its timed segments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _common import contrast, open_notebook
from _lab import Server

from lcoai_notebook.emulator import Emulator

pytestmark = pytest.mark.browser

PANEL = "import lcoai_notebook as lco\naudio = lco.AudioPanel()\naudio"


def _speech(path: Path) -> Path:
    speech = Emulator().client().audio.speech.create(
        model="gpt-4o-mini-tts", voice="alloy", response_format="wav",
        input="The quick brown fox jumps over the lazy dog. Then it runs into the woods.")
    path.write_bytes(bytes(speech))
    return path


def _pick(page: Any, label: str, value: str) -> None:
    page.locator(f".widget-dropdown:has(label:text-is('{label}')) select").select_option(value)


def test_upload_a_file_and_see_transcript_and_segments(page: Any, lab: Server,
                                                       shots: Path) -> None:
    wav = _speech(lab.root / "fox.wav")
    open_notebook(page, lab, "audio.ipynb", [PANEL])
    # The upload button opens the browser's file chooser, as for a person.
    with page.expect_file_chooser() as chooser:
        page.locator(".widget-upload").first.click()
    chooser.value.set_files(str(wav))
    page.wait_for_function("() => /uploaded|fox\\.wav/.test(document.querySelector('.lco-panel')"
                           ".innerText)", timeout=15_000)
    _pick(page, "Format", "srt")
    page.get_by_role("button", name="Transcribe").click()
    page.wait_for_function("() => document.querySelectorAll('.lco-panel .lco-table tr').length"
                           " >= 2", timeout=30_000)
    rows = page.locator(".lco-panel .lco-table tr")
    assert rows.count() >= 2
    text = page.locator(".lco-panel").first.inner_text()
    assert "-->" in text  # the srt document is shown
    assert page.locator("audio").count() >= 1  # playback of the uploaded file
    page.locator(".lco-panel").first.screenshot(path=str(shots / "audio-light.png"))
    assert page.errors.real() == []


def test_record_with_the_fake_microphone_then_transcribe(page: Any, lab: Server) -> None:
    open_notebook(page, lab, "record.ipynb", [PANEL])
    button = page.locator(".lco-rec-button")
    button.click()
    page.wait_for_function("() => /Recording/.test(document.querySelector('.lco-panel')"
                           ".innerText)", timeout=15_000)
    page.wait_for_timeout(2000)
    button.click()
    page.wait_for_function("() => /recorded/.test(document.querySelector('.lco-panel')"
                           ".innerText)", timeout=20_000)
    _pick(page, "Format", "verbose_json")
    page.get_by_role("button", name="Transcribe").click()
    page.wait_for_function("() => document.querySelectorAll('.lco-panel .lco-table tr').length"
                           " >= 2", timeout=30_000)
    assert "recording.webm" in page.locator(".lco-panel").first.inner_text()
    assert page.errors.real() == []


def test_audio_panel_dark_theme(page: Any, dark_lab: Server, shots: Path) -> None:
    wav = _speech(dark_lab.root / "fox.wav")
    open_notebook(page, dark_lab, "audio-dark.ipynb", [
        PANEL + f"\naudio.transcribe({str(wav)!r}, response_format='vtt')\naudio"])
    page.wait_for_selector(".lco-panel .lco-table td", timeout=30_000)
    assert contrast(page, ".lco-panel .lco-table td") >= 4.5
    page.locator(".lco-panel").first.screenshot(path=str(shots / "audio-dark.png"))
    assert page.errors.real() == []
