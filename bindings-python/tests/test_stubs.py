"""The type stubs match the runtime: every public name of each module is in
its stub and the reverse, every public member of every class likewise, and
parameter names and kinds agree wherever the runtime exposes a signature.
mypy then checks that the stubs themselves are valid."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "halo_core"
MODULES = {
    "halo_core": PACKAGE / "__init__.pyi",
    "halo_core.errors": PACKAGE / "errors.py",
    "halo_core.logging": PACKAGE / "logging.py",
    "halo_core.testing": PACKAGE / "testing.pyi",
}
# Stubs define typing-only aliases (``Headers``, ``SchemeName``, ``_Address``)
# that do not exist at runtime: only classes, functions, re-exports and
# annotated variables are compared.


def stub_tree(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(encoding="utf-8"))


def stub_names(tree: ast.Module) -> dict[str, ast.AST]:
    names: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.asname is not None and alias.asname == alias.name:
                    names[alias.name] = node
    return {n: v for n, v in names.items() if not n.startswith("_") or n == "__version__"}


def runtime_public(module: Any) -> set[str]:
    return set(getattr(module, "__all__"))


@pytest.mark.parametrize("module_name", sorted(MODULES))
def test_module_names_match(module_name: str) -> None:
    module = importlib.import_module(module_name)
    stubbed = set(stub_names(stub_tree(module_name)))
    public = runtime_public(module)
    assert public - stubbed == set(), "public at runtime but missing from the stub"
    assert stubbed - public == set(), "in the stub but not public at runtime"
    for name in public:
        assert hasattr(module, name), f"{module_name}.{name} is in __all__ but absent"


def class_cases() -> list[tuple[str, str]]:
    cases = []
    for module_name in sorted(MODULES):
        for name, node in stub_names(stub_tree(module_name)).items():
            if isinstance(node, ast.ClassDef):
                cases.append((module_name, name))
    return cases


def stub_members(node: ast.ClassDef) -> dict[str, ast.AST]:
    members: dict[str, ast.AST] = {}
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            members[item.name] = item
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            members[item.target.id] = item
    return members


def runtime_members(cls: type) -> set[str]:
    own = set()
    for klass in cls.__mro__:
        if klass in (object, BaseException, Exception, ValueError):
            continue
        for name in vars(klass):
            if not name.startswith("_"):
                own.add(name)
    return own


def stub_class(module_name: str, name: str) -> ast.ClassDef:
    node = stub_names(stub_tree(module_name))[name]
    assert isinstance(node, ast.ClassDef)
    return node


@pytest.mark.parametrize(("module_name", "name"), class_cases())
def test_class_members_match(module_name: str, name: str) -> None:
    cls = getattr(importlib.import_module(module_name), name)
    node = stub_class(module_name, name)
    stubbed = {n for n in stub_members(node) if not n.startswith("_")}
    for base in node.bases:
        base_name = base.id if isinstance(base, ast.Name) else None
        if base_name and base_name in stub_names(stub_tree(module_name)):
            base_node = stub_names(stub_tree(module_name))[base_name]
            if isinstance(base_node, ast.ClassDef):
                stubbed |= {n for n in stub_members(base_node) if not n.startswith("_")}
    actual = runtime_members(cls)
    if issubclass(cls, BaseException) or module_name == "halo_core.logging":
        # Python classes: attributes assigned in __init__ are not in vars().
        annotated = {n for k in cls.__mro__ for n in vars(k).get("__annotations__", {})}
        actual |= {n for n in stubbed if n in annotated}
        actual -= {n for n in actual if n not in stubbed and hasattr(Exception, n)}
    assert actual - stubbed == set(), "members missing from the stub"
    assert stubbed - actual == set(), "stubbed members absent at runtime"


def stub_params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[str, str]]:
    a = func.args
    params = [(p.arg, "positional") for p in a.posonlyargs + a.args]
    if a.vararg:
        params.append((a.vararg.arg, "varargs"))
    params += [(p.arg, "keyword") for p in a.kwonlyargs]
    if a.kwarg:
        params.append((a.kwarg.arg, "varkw"))
    return [p for p in params if p[0] not in ("self", "cls")]


KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
    inspect.Parameter.VAR_POSITIONAL: "varargs",
    inspect.Parameter.KEYWORD_ONLY: "keyword",
    inspect.Parameter.VAR_KEYWORD: "varkw",
}


def runtime_params(obj: Any) -> list[tuple[str, str]] | None:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return [(p.name, KINDS[p.kind]) for p in sig.parameters.values() if p.name not in ("self", "cls")]


def signature_cases() -> list[tuple[str, str, str]]:
    cases = []
    for module_name, name in class_cases():
        if module_name in ("halo_core.errors", "halo_core.logging"):
            continue
        for member, node in stub_members(stub_class(module_name, name)).items():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
                if "property" not in decorators and (member == "__init__" or not member.startswith("_")):
                    cases.append((module_name, name, member))
    for module_name in ("halo_core",):
        for name, node in stub_names(stub_tree(module_name)).items():
            if isinstance(node, ast.FunctionDef):
                cases.append((module_name, "", name))
    return cases


@pytest.mark.parametrize(("module_name", "cls_name", "member"), signature_cases())
def test_signatures_match(module_name: str, cls_name: str, member: str) -> None:
    module = importlib.import_module(module_name)
    if cls_name:
        node = stub_members(stub_class(module_name, cls_name))[member]
        owner = getattr(module, cls_name)
        runtime = owner if member == "__init__" else getattr(owner, member)
    else:
        node = stub_names(stub_tree(module_name))[member]
        runtime = getattr(module, member)
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    actual = runtime_params(runtime)
    if actual is None:
        pytest.skip("the runtime exposes no signature")
    assert stub_params(node) == actual


def test_stubs_type_check() -> None:
    from mypy import api

    files = [str(PACKAGE / "__init__.pyi"), str(PACKAGE / "testing.pyi"),
             str(PACKAGE / "errors.py"), str(PACKAGE / "logging.py")]
    out, err, status = api.run(["--no-incremental", "--follow-imports=silent", *files])
    assert status == 0, out + err
