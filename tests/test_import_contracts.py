"""make lint's import contracts (pyproject.toml) hold only for the modules they
name: a new module of progress left out of the projects contract could import
progress.projects unseen. This keeps the list whole."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The modules of progress that may import its projects package: its URLs wire the pages.
ABOVE_PROJECTS = {"progress.urls", "progress.projects", "progress.__init__"}


def _contract(name_start: str) -> dict:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    return next(contract for contract in contracts if contract["name"].startswith(name_start))


def _progress_modules() -> set[str]:
    return {
        "progress." + path.relative_to(ROOT / "progress").with_suffix("").parts[0]
        for path in (ROOT / "progress").rglob("*.py")
        if "migrations" not in path.parts
    }


def test_every_module_of_progress_below_projects_is_in_the_contract():
    contract = _contract("Projects are progress's top")
    assert contract["forbidden_modules"] == ["progress.projects"]
    listed = set(contract["source_modules"])
    missing = _progress_modules() - ABOVE_PROJECTS - listed
    assert not missing, f"add them to the contract's source_modules: {sorted(missing)}"
    assert not listed - _progress_modules() - {"accounts", "roadmap"}, "the contract names a module that is gone"


def test_the_contract_lists_the_lower_apps_and_the_check_sees_a_module_left_out():
    assert {"accounts", "roadmap"} <= set(_contract("Projects are progress's top")["source_modules"])
    assert "progress.dashboard" in _progress_modules()  # the walk finds progress's modules
    assert "progress.projects" in _progress_modules()
