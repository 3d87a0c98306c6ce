"""Inert HTML for model output.

Model replies are untrusted: nothing in JupyterLab sanitizes HTML that a live kernel sends (see the
design notes). Everything here turns text into HTML in Python with raw HTML disabled, images off and
link schemes limited, so a reply can never carry a handler or a script into the page.
"""

from __future__ import annotations

import html
from typing import Any

_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _md() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")

    def validate_link(url: str) -> bool:
        u = url.strip().lower()
        return u.startswith(_SAFE_SCHEMES) or u.startswith("#")

    md.validateLink = validate_link
    return md


_MD: Any = None


def markdown_html(text: str) -> str:
    """Render Markdown to HTML with raw HTML escaped, no images and only http(s)/mailto links."""
    global _MD
    if _MD is None:
        _MD = _md()
    rendered = _MD.render(text or "")
    # Links open in a new tab without giving the opened page a handle on this one.
    return rendered.replace("<a href=", '<a target="_blank" rel="noopener noreferrer" href=')


def pre_html(text: str) -> str:
    """Plain text as an escaped ``<pre>`` block."""
    return f'<pre style="white-space: pre-wrap">{html.escape(text or "")}</pre>'


def _int(value: Any) -> int:
    """``value`` as an int for display (0 when a server sent null or junk)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def chat_completion_html(data: dict[str, Any]) -> str:
    parts = []
    model = html.escape(str(data.get("model", "")))
    for choice in data.get("choices") or []:
        msg = choice.get("message") or {}
        content = msg.get("content")
        body = markdown_html(content) if content else ""
        for call in msg.get("tool_calls") or []:
            fn = call.get("function") or {}
            body += pre_html(f"tool call {fn.get('name')}({fn.get('arguments')})")
        if msg.get("refusal"):
            body += pre_html(f"refusal: {msg['refusal']}")
        reason = html.escape(str(choice.get("finish_reason")))
        parts.append(
            f'<div style="border-left: 3px solid #7a9; padding-left: 8px; margin: 4px 0">{body}'
            f'<div style="color: #888; font-size: 85%">choice {_int(choice.get("index"))}'
            f" · finish_reason={reason}</div></div>"
        )
    usage = data.get("usage") or {}
    foot = f"{model}"
    if usage:
        foot += f" · {_int(usage.get('total_tokens'))} tokens"
    return "".join(parts) + f'<div style="color: #888; font-size: 85%">{foot}</div>'


def safe_image_src(url: str | None, b64: str | None, mime: str = "image/png") -> str | None:
    """An ``src`` value that cannot run script: a data: URL for base64, or an http(s) URL."""
    if b64:
        clean = "".join(ch for ch in b64 if ch.isalnum() or ch in "+/=")
        return f"data:{mime};base64,{clean}"
    if url and url.strip().lower().startswith(("http://", "https://")):
        return html.escape(url.strip(), quote=True)
    return None


def images_html(data: dict[str, Any]) -> str:
    fmt = str(data.get("output_format") or "png")
    mime = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}.get(fmt, "image/png")
    cells = []
    for item in data.get("data") or []:
        src = safe_image_src(item.get("url"), item.get("b64_json"), mime)
        caption = html.escape(str(item.get("revised_prompt") or ""))
        if src is None:
            cells.append(pre_html("(image without a displayable source)"))
            continue
        cells.append(
            f'<figure style="display:inline-block; margin:4px"><img src="{src}" '
            f'style="max-width:256px"/><figcaption>{caption}</figcaption></figure>'
        )
    return "<div>" + "".join(cells) + "</div>"


def response_html(data: dict[str, Any]) -> str:
    """A Responses API ``response``: reasoning summaries, message text (inert Markdown), function
    calls and refusals as escaped text, and a footer with model, status and tokens."""
    parts = []
    for item in data.get("output") or []:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        if kind == "reasoning":
            for s in item.get("summary") or []:
                if isinstance(s, dict) and s.get("text"):
                    parts.append('<div style="color: #888; font-size: 90%">'
                                 f'{markdown_html(str(s["text"]))}</div>')
        elif kind == "message":
            for c in item.get("content") or []:
                if not isinstance(c, dict):
                    continue
                if c.get("type") == "output_text":
                    parts.append(markdown_html(str(c.get("text") or "")))
                elif c.get("type") == "refusal":
                    parts.append(pre_html(f"refusal: {c.get('refusal')}"))
        elif kind == "function_call":
            parts.append(pre_html(f"function call {item.get('name')}({item.get('arguments')})"))
        elif kind:
            parts.append(pre_html(f"{kind} item"))
    status = str(data.get("status") or "")
    details = data.get("incomplete_details")
    reason = details.get("reason") if isinstance(details, dict) else None
    if reason:
        status += f" ({reason})"
    foot = f"{data.get('model', '')} · {status}"
    usage = data.get("usage")
    if isinstance(usage, dict):
        reasoning = _int((usage.get("output_tokens_details") or {}).get("reasoning_tokens"))
        foot += f" · {_int(usage.get('total_tokens'))} tokens"
        if reasoning:
            foot += f" ({reasoning} reasoning)"
    body = "".join(parts)
    return (f'<div style="border-left: 3px solid #7a9; padding-left: 8px; margin: 4px 0">{body}'
            f'<div style="color: #888; font-size: 85%">{html.escape(foot)}</div></div>')
