"""The layers import downwards only: no cycle between the packages, none hidden in a function.

wiring (cad's settings, urls, asgi, celery, tasks, admin, demo, commands)
reports ─┐
cad.calls ─┬─> dispatch, schemes, intelligence ─> cad.kernel ─> cad.models
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cad", "dispatch", "schemes", "intelligence", "reports")
DOMAIN = {"dispatch", "schemes", "intelligence"}
MAY_IMPORT = {
    "models": set(),
    "kernel": {"models"},
    "dispatch": {"kernel", "models"},
    "schemes": {"kernel", "models"},
    "intelligence": {"kernel", "models"},
    "calls": {"kernel", "models", *DOMAIN},
    "reports": {"kernel", "models", *DOMAIN},
}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "cad":
        return parts[0]
    if len(parts) > 1 and parts[1] in {"kernel", "calls", "models"}:
        return parts[1]
    return "wiring"


def project_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield module.removesuffix(".__init__"), ast.parse(path.read_text())


def imports(tree: ast.Module):
    """(imported module, whether at module level) for each project import."""
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in PACKAGES:
                yield name, id(node) in top_level


def resolve(name: str, known: set[str]) -> str | None:
    """The project module an imported name is, or is in (`from cad.kernel import events`)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def test_each_layer_imports_only_the_layers_below_it():
    modules = dict(project_modules())
    wrong = set()
    for module, tree in modules.items():
        mine = layer(module)
        if mine == "wiring":
            continue
        for name, _ in imports(tree):
            target = resolve(name, set(modules))
            if target is None or target.count(".") == 0:
                continue
            theirs = layer(target)
            if theirs != mine and theirs not in MAY_IMPORT[mine]:
                wrong.add(f"{module} ({mine}) imports {target} ({theirs})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_layer_hides_an_import_of_another_in_a_function():
    modules = dict(project_modules())
    hidden = set()
    for module, tree in modules.items():
        if layer(module) == "wiring":
            continue
        for name, at_top in imports(tree):
            target = resolve(name, set(modules))
            if not at_top and target and layer(target) != layer(module):
                hidden.add(f"{module} imports {target} inside a function")
    assert not hidden, "\n".join(sorted(hidden))


def test_the_layers_have_no_cycle():
    """A check of the table itself: a layer reaches itself through no other."""

    def reaches(start: str, seen: frozenset = frozenset()) -> set[str]:
        found = set()
        for below in MAY_IMPORT[start]:
            assert below not in seen | {start}, f"cycle through {start} and {below}"
            found |= {below} | reaches(below, seen | {start})
        return found

    for name in MAY_IMPORT:
        assert name not in reaches(name)
