"""Panel tests: helpers (_fakes.py, _html.py) importable; every test leaves no panel running."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
