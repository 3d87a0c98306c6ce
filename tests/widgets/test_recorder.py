"""AudioRecorder: the front end's buffer message lands in Python as bytes + an accepted filename;
the ESM is a file shipped in the wheel that imports nothing from the network."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lcoai_notebook.widgets.recorder import ACCEPTED_EXTENSIONS, AudioRecorder

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "lcoai_notebook" / "widgets" / "static"

WEBM = b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 4
OGG = b"OggS" + b"\x00" * 200
MP4 = b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 200


def deliver(rec: AudioRecorder, content: dict, buffers: list) -> None:
    """What ipywidgets does with a custom message from the front end's ``model.send``."""
    rec._handle_msg({"content": {"data": {"method": "custom", "content": content}},
                     "buffers": buffers})


def test_buffer_message_sets_recording_filename_and_mime() -> None:
    rec = AudioRecorder()
    seen: list[tuple[str, bytes]] = []
    rec.on_recording(lambda r: seen.append((r.filename, r.recording)))
    deliver(rec, {"type": "lco-recording", "mime_type": "audio/webm;codecs=opus",
                  "duration": 2.04}, [memoryview(WEBM)])
    assert rec.recording == WEBM
    assert isinstance(rec.recording, bytes)
    assert rec.filename == "recording.webm"
    assert rec.mime_type == "audio/webm;codecs=opus"
    assert rec.duration == pytest.approx(2.04)
    assert "recording.webm" in rec.status and "2.0 s" in rec.status
    assert rec.error == ""
    assert seen == [("recording.webm", WEBM)]


@pytest.mark.parametrize(("mime", "data", "name"), [
    ("audio/mp4", MP4, "recording.m4a"),                      # Safari
    ("audio/ogg;codecs=opus", OGG, "recording.ogg"),          # Firefox
    ("audio/wav", b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 40, "recording.wav"),
    ("", OGG, "recording.ogg"),                               # no type reported: sniffed
    ("application/octet-stream", WEBM, "recording.webm"),
])
def test_extension_follows_the_browsers_type(mime: str, data: bytes, name: str) -> None:
    rec = AudioRecorder()
    deliver(rec, {"type": "lco-recording", "mime_type": mime}, [memoryview(data)])
    assert rec.filename == name
    assert rec.filename.rpartition(".")[2] in ACCEPTED_EXTENSIONS
    assert rec.recording == data


def test_message_without_buffer_is_an_error_in_the_widget_not_a_crash() -> None:
    # model.send(content, [buf]) in the front end sends no buffer at all: say so visibly.
    rec = AudioRecorder()
    calls: list[AudioRecorder] = []
    rec.on_recording(calls.append)
    deliver(rec, {"type": "lco-recording", "mime_type": "audio/webm"}, [])
    assert rec.recording == b"" and rec.filename == ""
    assert "without its audio bytes" in rec.error
    assert calls == []


def test_unrecognised_audio_shows_an_error_and_keeps_the_previous_recording() -> None:
    rec = AudioRecorder()
    rec.load(WEBM, mime_type="audio/webm")
    deliver(rec, {"type": "lco-recording", "mime_type": "text/html"},
            [memoryview(b"<html>not audio</html>")])
    assert rec.recording == WEBM and rec.filename == "recording.webm"
    assert rec.error.startswith("Recording not usable:") and "\n" not in rec.error


def test_other_messages_are_ignored() -> None:
    rec = AudioRecorder()
    deliver(rec, {"type": "something-else"}, [memoryview(WEBM)])
    assert rec.recording == b""


def test_load_is_the_programmatic_twin() -> None:
    rec = AudioRecorder()
    seen: list[str] = []
    rec.on_recording(lambda r: seen.append(r.filename))
    rec.load(OGG, filename="dir/voice.ogg")
    assert (rec.filename, rec.mime_type, rec.recording) == ("voice.ogg", "audio/ogg", OGG)
    rec.load(bytearray(MP4))
    assert rec.filename == "recording.m4a" and rec.mime_type == "audio/mp4"
    assert seen == ["voice.ogg", "recording.m4a"]
    rec.on_recording(seen.append, remove=True)
    rec.clear()
    assert (rec.recording, rec.filename, rec.mime_type) == (b"", "", "")


@pytest.mark.parametrize(("kwargs", "exc", "words"), [
    ({"data": b""}, ValueError, "data is empty"),
    ({"data": "text"}, TypeError, "data must be bytes"),
    ({"data": WEBM, "filename": "notes.txt"}, ValueError, "filename must end in one of"),
    ({"data": b"plain bytes", "mime_type": "text/plain"}, ValueError, "mime_type"),
])
def test_load_rejects_bad_input_naming_the_parameter(kwargs: dict, exc: type, words: str) -> None:
    rec = AudioRecorder()
    with pytest.raises(exc, match=words):
        rec.load(**kwargs)
    assert rec.recording == b""


def test_mime_type_is_reduced_to_safe_characters() -> None:
    rec = AudioRecorder()
    rec.load(WEBM, mime_type='audio/webm"><script>alert(1)</script>')
    assert "<" not in rec.mime_type and '"' not in rec.mime_type


# ------------------------------------------------------------------------------ the ESM file
NETWORK = [
    re.compile(r"""\bimport\b[^;]*?\bfrom\s*["']"""),   # any static import from a module
    re.compile(r"""^\s*import\s*["']""", re.M),          # bare import "x"
    re.compile(r"""\bimport\s*\("""),                    # dynamic import(...)
    re.compile(r"https?://"),
    re.compile(r"//cdn|unpkg|jsdelivr|esm\.sh|skypack", re.I),
]


def network_imports(source: str) -> list[str]:
    return [p.pattern for p in NETWORK if p.search(source)]


def test_the_network_check_can_fail() -> None:
    assert network_imports('import confetti from "https://esm.sh/canvas-confetti";')
    assert network_imports('const m = await import("https://cdn.x/y.js");')
    assert network_imports("export default { render() {} };") == []


def test_esm_is_the_file_and_imports_nothing() -> None:
    source = (STATIC / "recorder.js").read_text("utf-8")
    assert AudioRecorder()._esm == source
    assert network_imports(source) == []
    assert "export default" in source
    # The buffers go in the THIRD argument of model.send (the second silently drops them).
    assert re.search(r"model\.send\(\s*\{[^}]*\}\s*,\s*undefined\s*,\s*\[buffer\]\s*\)", source)
    assert "mimeType" in source and "getUserMedia" in source and "NotAllowedError" in source


def test_css_uses_theme_variables_only() -> None:
    css = (STATIC / "recorder.css").read_text("utf-8")
    assert AudioRecorder()._css == css
    assert "var(--jp-" in css
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(", css)
    named = re.findall(r"(?:color|background)\s*:\s*([a-z]+)\b", css)
    assert set(named) <= {"inherit", "transparent", "currentColor", "var"}


def _build_wheel(dest: Path, src: Path) -> subprocess.CompletedProcess[str]:
    """``pip wheel`` of a copy of the project: offline with the environment's setuptools when
    it can build wheels itself, else with build isolation (pip fetches setuptools/wheel from
    its configured indexes)."""
    try:
        import setuptools

        major, minor = (int(x) for x in setuptools.__version__.split(".")[:2])
        # setuptools >= 70.1 builds wheels itself; older ones need the `wheel` package.
        has_wheel = (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None
        offline = (major, minor) >= (68, 0) and has_wheel
    except Exception:  # noqa: BLE001 - any doubt: let pip set up the build itself
        offline = False
    cmd = [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-w", str(dest), "-q"]
    if offline:
        cmd += ["--no-build-isolation", "--no-index"]
    env = {**os.environ, "PIP_NO_INPUT": "1", "PIP_RETRIES": "0",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env)


def test_built_wheel_ships_the_recorder_esm(tmp_path: Path) -> None:
    # Build from a copy so the shared working tree gets no build/ or egg-info directories.
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "lcoai_notebook", src / "lcoai_notebook",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    proc = _build_wheel(tmp_path / "dist", src)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("lcoai_notebook-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert "lcoai_notebook/widgets/recorder.py" in names
        assert "lcoai_notebook/widgets/static/recorder.js" in names
        assert "lcoai_notebook/widgets/static/recorder.css" in names
        # The relay's admin page ships too (served from the package, no network).
        for name in ("admin.html", "admin.js", "admin.css"):
            assert f"lcoai_notebook/relay/static/{name}" in names
        shipped = zf.read("lcoai_notebook/widgets/static/recorder.js").decode("utf-8")
    assert shipped == (STATIC / "recorder.js").read_text("utf-8")
    assert network_imports(shipped) == []


# ----------------------------------------------------------- the ESM in a real browser (optional)
_PAGE = """<!doctype html><html><body><div id=el></div><script type=module>
const state = {status: "", error: "", disabled: false};
window.sent = [];
const model = {
  get: (k) => state[k], set: (k, v) => { state[k] = v; }, save_changes: () => {},
  on: () => {}, off: () => {},
  send(content, callbacks, buffers) {
    window.sent.push({content, nargs: arguments.length, callbacks: String(callbacks),
                      buffers: (buffers || []).map(b64)});
  },
};
function b64(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return btoa(text);
}
window.state = state;
const mod = await import("/recorder.js");
mod.default.render({model, el: document.getElementById("el")});
window.ready = true;
</script></body></html>"""


def _chromium() -> str | None:
    for path in ("/usr/lib/chromium/chromium", shutil.which("chromium") or ""):
        if path and Path(path).exists():
            return path
    return None


def _record_in_browser(flags: list[str]) -> dict:
    sync_api = pytest.importorskip("playwright.sync_api")
    binary = _chromium()
    if binary is None:
        pytest.skip("Chromium is not installed")
    esm = (STATIC / "recorder.js").read_text("utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=binary, args=flags)
        try:
            page = browser.new_page()
            # localhost is a secure context (getUserMedia needs one); nothing leaves the machine.
            page.route("http://localhost:9/", lambda r: r.fulfill(body=_PAGE,
                                                                   content_type="text/html"))
            page.route("http://localhost:9/recorder.js",
                       lambda r: r.fulfill(body=esm, content_type="text/javascript"))
            page.goto("http://localhost:9/")
            page.wait_for_function("window.ready === true")
            button = page.locator("button.lco-rec-button")
            button.click()
            page.wait_for_timeout(1200)
            during = {"label": button.inner_text().strip(),
                      "status": page.inner_text(".lco-rec-status")}
            if during["label"] == "Stop":
                button.click()
                page.wait_for_function("window.sent.length > 0", timeout=10_000)
            return {**page.evaluate("({sent: window.sent, state: window.state})"),
                    "during": during, "error_text": page.inner_text(".lco-rec-error")}
        finally:
            browser.close()


def test_browser_recording_reaches_python_as_a_buffer() -> None:
    import base64

    out = _record_in_browser(["--use-fake-ui-for-media-stream",
                              "--use-fake-device-for-media-stream"])
    assert out["during"]["label"] == "Stop" and out["during"]["status"].startswith("Recording")
    (message,) = out["sent"]
    assert message["nargs"] == 3 and message["callbacks"] == "undefined"
    assert len(message["buffers"]) == 1
    data = base64.b64decode(message["buffers"][0])
    assert len(data) > 1000
    assert message["content"]["type"] == "lco-recording"
    assert message["content"]["mime_type"].startswith("audio/")
    assert 0.5 < message["content"]["duration"] < 10
    rec = AudioRecorder()
    deliver(rec, message["content"], [memoryview(data)])
    assert rec.recording == data and rec.error == ""
    assert rec.filename.rpartition(".")[2] in ACCEPTED_EXTENSIONS
    if message["content"]["mime_type"].startswith("audio/webm"):   # Chromium
        assert rec.filename == "recording.webm" and data[:4] == b"\x1a\x45\xdf\xa3"


def test_browser_denied_microphone_shows_a_clear_error() -> None:
    out = _record_in_browser(["--use-fake-device-for-media-stream"])   # no auto-allow: denied
    assert out["sent"] == []
    assert out["state"]["error"].startswith("Microphone access was denied")
    assert out["error_text"] == out["state"]["error"]
