"""Shared steps of the browser tests."""

from __future__ import annotations

from typing import Any

from _lab import Server, run_all, wait_idle, write_notebook
from _scripted import SOURCE

CONTRAST_JS = """
(sel) => {
  const el = document.querySelector(sel);
  const rgba = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const fg = rgba(getComputedStyle(el).color);
  let node = el, bg = null;
  while (node) {
    const c = rgba(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c; break; }
    node = node.parentElement;
  }
  bg = bg || [255, 255, 255];
  const lin = x => {
    x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  };
  const lum = c => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const a = lum(fg), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


def open_notebook(page: Any, server: Server, name: str, cells: list[str],
                  app: str = "lab") -> None:
    """Write a notebook of ``cells`` into the server's folder, open it and run every cell."""
    write_notebook(server.root / name, cells)
    (server.root / "scripted.py").write_text(SOURCE)
    path = f"/lab/tree/{name}?reset" if app == "lab" else f"/notebooks/{name}"
    page.goto(server.url + path)
    run_all(page, app)
    wait_idle(page, len(cells))


def contrast(page: Any, selector: str) -> float:
    """The WCAG contrast ratio of the text at ``selector`` against its background."""
    return float(page.evaluate(CONTRAST_JS, selector))
