"""``CostMeter``: a one-line widget showing a client's spend against its budget.

It makes no client calls of its own: it listens to ``client.spend`` (the ledger every client
keeps) and redraws when a request completes, from whatever thread completed it (a widget
value set from a worker thread is sent to the front end like any other).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ._base import default_client, escape
from ._style import CSS

__all__ = ["CostMeter"]

#: Fraction of the budget at which the bar turns to a warning, then to danger.
_WARN_AT = 0.8


class CostMeter(widgets.HBox):
    """Spend against budget: a progress bar and ``"$0.0123 of $5.00 · 12 requests · simulated"``.

    Parameters
    ----------
    client : Client or AsyncClient, optional
        The client whose ``spend`` to show; defaults to :func:`lcoai_notebook.connect`.

    Attributes
    ----------
    bar : ipywidgets.FloatProgress
        Spent USD out of ``budget_usd`` (hidden when the client has no USD budget).
    label : ipywidgets.HTML
        The summary line (escaped text).

    Examples
    --------
    >>> client = lco.connect(budget_usd=5.0)  # doctest: +SKIP
    >>> lco.CostMeter(client)  # doctest: +SKIP
    """

    def __init__(self, client: Any = None, **kwargs: Any) -> None:
        self.client = default_client(client)
        spend = getattr(self.client, "spend", None)
        if spend is None or not hasattr(spend, "add_listener"):
            raise TypeError("client must be an lcoai_notebook Client or AsyncClient (it keeps "
                            f"the ledger, client.spend); got {type(self.client).__name__}")
        self.spend = spend
        self.bar = widgets.FloatProgress(value=0.0, min=0.0, max=1.0,
                                         layout=widgets.Layout(width="12em"))
        self.label = widgets.HTML()
        self.label.add_class("lco-muted")
        super().__init__([widgets.HTML(CSS), self.bar, self.label], **kwargs)
        self.add_class("lco-panel")
        self.add_class("lco-meter")
        self.refresh()
        spend.add_listener(self._changed)

    def _changed(self, spend: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the ledger (called after every recorded request)."""
        spend = self.spend
        budget = spend.budget_usd
        spent = spend.total_usd
        if budget is None:
            self.bar.layout.display = "none"
        else:
            self.bar.layout.display = None
            self.bar.max = budget if budget > 0 else 1.0
            self.bar.value = min(spent, self.bar.max)
            share = spent / budget if budget > 0 else 1.0
            self.bar.bar_style = ("danger" if share >= 1.0 else
                                  "warning" if share >= _WARN_AT else "success")
        self.label.value = f"<span>{escape(spend.summary())}</span>"

    @property
    def text(self) -> str:
        """The summary line as plain text."""
        return self.spend.summary()

    def close(self) -> None:
        """Stop listening and close the widget."""
        spend = self.__dict__.get("spend")  # absent when __init__ refused its client
        if spend is not None:
            spend.remove_listener(self._changed)
        super().close()

    def __repr__(self) -> str:
        # nbconvert and GitHub show this where the widget cannot render.
        return f"CostMeter({self.text})"
