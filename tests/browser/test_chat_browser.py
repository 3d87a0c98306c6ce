"""The chat panel in a real JupyterLab page (and Notebook 7), used as a person would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _common import contrast, open_notebook
from _lab import Server

pytestmark = pytest.mark.browser


XSS_PAYLOADS = [
    'Hello. <img src=x onerror="window.__xss1=1">',
    "<script>window.__xss2=1</script>",
    '<iframe srcdoc="<script>parent.__xss3=1</script>"></iframe>',
    '<details open ontoggle="window.__xss4=1">x</details>',
    "[click me](javascript:window.__xss5=1)",
    '<a href="javascript:window.__xss6=1">press here</a>',
]


def _assistant_text(page: Any) -> str:
    return page.evaluate("() => [...document.querySelectorAll('.lco-assistant')]"
                         ".map(e => e.innerText).join('\\n')")


def test_type_enter_and_send_stream_replies(page: Any, lab: Server, shots: Path) -> None:
    open_notebook(page, lab, "chat.ipynb", [
        "import lcoai_notebook as lco\nchat = lco.ChatPanel(model='gpt-4.1-mini')\nchat"])
    box = page.locator(".lco-prompt")
    box.fill("Why is the sea salty?")
    box.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.lco-assistant').length === 1 && "
                           "document.querySelector('.lco-assistant').innerText.length > 60",
                           timeout=30_000)
    assert "Why is the sea salty?" in page.locator(".lco-user").first.inner_text()
    assert box.input_value() == ""
    # Shift+Enter makes a new line and sends nothing.
    box.fill("first line")
    box.press("Shift+Enter")
    box.type("second line")
    assert box.input_value() == "first line\nsecond line"
    page.get_by_role("button", name="Send").click()
    page.wait_for_function("() => document.querySelectorAll('.lco-assistant').length === 2",
                           timeout=30_000)
    assert "second line" in page.locator(".lco-user").nth(1).inner_text()
    page.wait_for_selector("text=tokens: prompt", timeout=10_000)
    page.locator(".lco-panel").first.screenshot(path=str(shots / "chat-light.png"))
    assert page.errors.real() == []


def test_stop_mid_stream_keeps_the_partial_reply(page: Any, lab: Server) -> None:
    open_notebook(page, lab, "stop.ipynb", [
        "import lcoai_notebook as lco\nfrom scripted import ScriptedClient\n"
        "slow = ScriptedClient([f'word{i} ' for i in range(300)], pause=0.05)\n"
        "chat = lco.ChatPanel(client=slow)\nchat"])
    page.locator(".lco-prompt").fill("Tell me a long story")
    page.locator(".lco-prompt").press("Enter")
    page.wait_for_function("() => /word5 /.test(document.querySelector('.lco-assistant')"
                           "?.innerText || '')", timeout=30_000)
    stop = page.get_by_role("button", name="Stop")
    assert stop.is_enabled()
    stop.click()
    page.wait_for_selector(".lco-stopped", timeout=15_000)
    text = _assistant_text(page)
    assert "word5" in text and "word299" not in text
    assert "stopped" in text
    assert page.get_by_role("button", name="Send").is_enabled()
    assert page.errors.real() == []


def _xss_flags(page: Any) -> dict[str, Any]:
    return page.evaluate("() => Object.fromEntries([1,2,3,4,5,6].map(i => "
                         "['__xss' + i, window['__xss' + i]]))")


def _xss_notebook(page: Any, lab: Server, name: str, bypass: bool) -> None:
    cells = ["import lcoai_notebook as lco\nfrom scripted import ScriptedClient\n"
             f"reply = {chr(10).join(XSS_PAYLOADS)!r}\n"
             "pieces = [reply[i:i + 7] for i in range(0, len(reply), 7)]\n"
             "chat = lco.ChatPanel(client=ScriptedClient(pieces))\nchat"]
    if bypass:
        # Show that the test can fail: with the inert renderer bypassed, the payloads run.
        cells[0] = ("import lcoai_notebook.widgets.chat as _c\n_c.markdown_html = lambda t: t\n"
                    + cells[0])
    open_notebook(page, lab, name, cells)
    page.locator(".lco-prompt").fill("show me")
    page.locator(".lco-prompt").press("Enter")
    page.wait_for_function("() => /press here|click me/.test(document.querySelector("
                           "'.lco-assistant')?.innerText || '') || window.__xss1", timeout=30_000)
    page.wait_for_timeout(500)


def test_markup_in_a_reply_shows_as_text_and_runs_nothing(page: Any, lab: Server) -> None:
    _xss_notebook(page, lab, "xss.ipynb", bypass=False)
    start = page.url
    text = _assistant_text(page)
    assert "<script>" in text and "onerror" in text and "<iframe" in text  # visible as text
    assert page.locator(".lco-assistant a[href^='javascript']").count() == 0
    assert page.locator(".lco-assistant img, .lco-assistant iframe, .lco-assistant script"
                        ).count() == 0
    page.get_by_text("click me", exact=False).first.click()
    page.get_by_text("press here", exact=False).first.click()
    page.wait_for_timeout(300)
    assert page.url == start
    assert _xss_flags(page) == {f"__xss{i}": None for i in range(1, 7)}


def test_the_xss_check_fails_when_the_renderer_is_bypassed(page: Any, lab: Server) -> None:
    _xss_notebook(page, lab, "xss-bypass.ipynb", bypass=True)
    page.wait_for_timeout(500)
    flags = _xss_flags(page)
    assert flags["__xss1"] == 1 or flags["__xss3"] == 1, flags


def test_dark_theme_reply_is_readable(page: Any, dark_lab: Server, shots: Path) -> None:
    open_notebook(page, dark_lab, "dark.ipynb", [
        "import lcoai_notebook as lco\nchat = lco.ChatPanel(model='gpt-4.1-mini')\n"
        "chat.send('What makes a good workshop?')\nchat"])
    page.wait_for_selector(".lco-assistant p", timeout=30_000)
    assert page.evaluate("() => document.body.dataset.jpThemeLight") == "false"
    ratio = contrast(page, ".lco-assistant p")
    assert ratio >= 4.5, ratio
    page.locator(".lco-panel").first.screenshot(path=str(shots / "chat-dark.png"))
    assert page.errors.real() == []


def test_chat_in_notebook_7(page: Any, tmp_path_factory: pytest.TempPathFactory,
                            shots: Path) -> None:
    pytest.importorskip("notebook")
    server = Server(tmp_path_factory.mktemp("nb7"), app="notebook")
    try:
        open_notebook(page, server, "chat7.ipynb", [
            "import lcoai_notebook as lco\nchat = lco.ChatPanel(model='gpt-4.1-mini')\nchat"],
            app="notebook")
        page.locator(".lco-prompt").fill("Hello from Notebook 7")
        page.locator(".lco-prompt").press("Enter")
        page.wait_for_function("() => (document.querySelector('.lco-assistant')?.innerText "
                               "|| '').length > 40", timeout=30_000)
        page.locator(".lco-panel").first.screenshot(path=str(shots / "chat-notebook7.png"))
        # Notebook 7.6 itself logs this on every page load, with or without a panel (seen with
        # a notebook holding only print(1)); anything else is ours.
        own = [e for e in page.errors.real() if "reading 'schema'" not in e]
        assert own == []
        page.goto("about:blank")
    finally:
        server.stop()
