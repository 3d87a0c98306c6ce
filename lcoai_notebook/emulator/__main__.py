"""``python -m lcoai_notebook.emulator --port N --flavor F [--stream-mode M]``."""

from __future__ import annotations

import sys

from ..cli import _emulator_parser, run_emulator_args


def main(argv: list[str] | None = None) -> int:
    return run_emulator_args(_emulator_parser("python -m lcoai_notebook.emulator").parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
