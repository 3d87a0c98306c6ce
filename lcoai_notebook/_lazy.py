"""Public names imported on first use: the module ``__getattr__`` (PEP 562) our packages share."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, table: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports its names on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    table : mapping of str to str
        Public name -> the module defining it, relative to ``package`` (``"._client"``).

    Returns
    -------
    callable
        Assign it to the package's ``__getattr__``. The value found is stored in the package's
        namespace, so Python never calls ``__getattr__`` for that name again.
    """

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
