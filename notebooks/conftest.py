"""Hermetic notebook runs: whatever the machine has set, nbval's kernels run offline.

This module is imported while pytest collects ``notebooks/``, before nbval starts any kernel, and
kernels inherit ``os.environ``. A real ``LCOAI_API_TOKEN`` here would make the notebooks run live
(spending money, and failing to match the committed outputs); ``LCOAI_OFFLINE=1`` makes sure a
token that reaches the kernel some other way is still ignored.
"""

from __future__ import annotations

import os

for _name in list(os.environ):
    if _name.startswith(("LCOAI_", "OPENAI_")):
        del os.environ[_name]
os.environ["LCOAI_OFFLINE"] = "1"
