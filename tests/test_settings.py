"""Settings are decided once (``lcoai_notebook/_config.py``): every environment variable name is
spelled there and nowhere else in the package, the flavor is checked by one function and the
token found by one function, which the clients and ``connect`` share."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import lcoai_notebook
from lcoai_notebook import _config

PACKAGE = Path(lcoai_notebook.__file__).parent
_ENV_NAME = re.compile(r"(?:LCOAI|OPENAI)_[A-Z][A-Z_]*")


def _env_literals(path: Path) -> list[str]:
    """Whole string constants in ``path`` that are environment variable names."""
    tree = ast.parse(path.read_text("utf-8"))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and _ENV_NAME.fullmatch(node.value)]


def test_environment_variable_names_are_spelled_only_in_config() -> None:
    found = {str(p.relative_to(PACKAGE)): names for p in sorted(PACKAGE.rglob("*.py"))
             if p.name != "_config.py" and (names := _env_literals(p))}
    assert found == {}
    spelled = _env_literals(PACKAGE / "_config.py")
    assert len(spelled) == len(set(spelled)) and "LCOAI_API_TOKEN" in spelled


def test_the_scan_sees_a_name_spelled_elsewhere(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('import os\nTOKEN = os.environ.get("LCOAI_API_TOKEN")\n')
    assert _env_literals(module) == ["LCOAI_API_TOKEN"]


@pytest.mark.parametrize("bad", ["LowCodeAPI", "azure", "", None, 3])
def test_one_flavor_check_for_client_requester_and_connect(bad: object) -> None:
    from lcoai_notebook import Client, connect

    with pytest.raises(ValueError, match="flavor must be one of 'lowcodeapi', 'openai'"):
        _config.check_flavor(bad)
    with pytest.raises(ValueError, match="flavor must be one of 'lowcodeapi', 'openai'"):
        Client(api_token="at_x", flavor=bad)  # type: ignore[arg-type]
    if bad is not None:  # connect(flavor=None) means "from LCOAI_FLAVOR"
        with pytest.raises(ValueError, match="flavor must be one of 'lowcodeapi', 'openai'"):
            connect(flavor=bad)  # type: ignore[arg-type]


def test_one_token_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    resolve = _config.resolve_token
    assert resolve(None, "lowcodeapi") is None
    monkeypatch.setenv(_config.ENV_OPENAI_API_KEY, "sk-openai")
    assert resolve(None, "lowcodeapi") is None  # the OpenAI key is for the openai flavor only
    assert resolve(None, "openai") == "sk-openai"
    monkeypatch.setenv(_config.ENV_API_TOKEN, "  at_env  ")
    assert resolve(None, "openai") == "at_env"  # ours first, stripped
    assert resolve(" at_arg ", "lowcodeapi") == "at_arg"  # an argument wins
    assert resolve("   ", "lowcodeapi") == "at_env"  # a blank argument is not a token
