"""The panels' stylesheet: JupyterLab's theme variables only, so light and dark themes both work.

Fallbacks are ``inherit``/``transparent``/``currentColor`` (never a colour of our own), so a front
end without JupyterLab's variables (VS Code, Colab) shows its own colours rather than ours.
"""

from __future__ import annotations

__all__ = ["CSS"]

CSS = """
<style>
.lco-panel { border: 1px solid var(--jp-border-color2, currentColor); border-radius: 6px;
  padding: 8px; background: var(--jp-layout-color1, transparent);
  color: var(--jp-ui-font-color1, inherit); font-family: var(--jp-ui-font-family, inherit);
  max-width: 980px; }
.lco-title { font-weight: 600; font-size: var(--jp-ui-font-size2, 1.1em);
  color: var(--jp-ui-font-color1, inherit); }
.lco-muted, .lco-muted * { color: var(--jp-ui-font-color2, inherit); font-size: 0.9em; }
.lco-error { color: var(--jp-error-color1, inherit); font-weight: 600;
  border-left: 3px solid var(--jp-error-color1, currentColor); padding-left: 6px; }
.lco-notice { color: var(--jp-warn-color1, inherit);
  border-left: 3px solid var(--jp-warn-color1, currentColor); padding-left: 6px; }
.lco-busy { color: var(--jp-brand-color1, inherit); }
.lco-log { max-height: 480px; overflow-y: auto; }
.lco-msg { border-radius: 6px; padding: 4px 10px; margin: 4px 0;
  color: var(--jp-content-font-color1, inherit); }
.lco-msg p { margin: 4px 0; }
.lco-msg pre, .lco-msg code { background: var(--jp-layout-color2, transparent);
  color: var(--jp-content-font-color1, inherit); }
.lco-msg a { color: var(--jp-content-link-color, inherit); }
.lco-user { background: var(--jp-layout-color2, transparent);
  border-left: 3px solid var(--jp-border-color1, currentColor); }
.lco-assistant { background: var(--jp-layout-color1, transparent);
  border-left: 3px solid var(--jp-brand-color1, currentColor); }
.lco-role { font-size: 0.8em; font-weight: 600; color: var(--jp-ui-font-color2, inherit); }
.lco-stopped { font-size: 0.8em; color: var(--jp-warn-color1, inherit); }
.lco-msg details summary { cursor: pointer; font-size: 0.8em;
  color: var(--jp-ui-font-color2, inherit); }
.lco-table { border-collapse: collapse; font-size: 0.9em;
  color: var(--jp-content-font-color1, inherit); }
.lco-table th, .lco-table td { border-bottom: 1px solid var(--jp-border-color2, currentColor);
  padding: 2px 8px; text-align: left; line-height: 1.35; vertical-align: top; }
.lco-table th, .lco-table td.lco-num { white-space: nowrap; }
.lco-table td.lco-num { text-align: right; font-variant-numeric: tabular-nums; }
.lco-table tr.lco-flagged td { background: var(--jp-layout-color3, transparent);
  color: var(--jp-content-font-color0, inherit); font-weight: 600; }
.lco-table tr.lco-flagged td:first-child {
  box-shadow: inset 4px 0 0 var(--jp-error-color1, currentColor); }
.lco-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
  gap: 8px; }
.lco-card { border: 1px solid var(--jp-border-color2, currentColor); border-radius: 6px;
  padding: 4px; background: var(--jp-layout-color2, transparent);
  color: var(--jp-content-font-color1, inherit); }
.lco-card img { width: 100%; height: auto; display: block; }
</style>
"""
