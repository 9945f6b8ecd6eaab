"""The API is a shell over services that answer records: no route handles an ORM row."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import typing

import rapport.web.api


def _row_returning(module_name: str, function: str) -> bool:
    module = importlib.import_module(module_name)
    target = getattr(module, function, None)
    if not inspect.isfunction(target):
        return False
    returned = typing.get_type_hints(target).get("return")
    return getattr(returned, "__module__", "") == "rapport.storage.schema"


def test_api_routes_call_no_service_that_returns_a_row() -> None:
    offenders = []
    for info in pkgutil.iter_modules(rapport.web.api.__path__):
        module = importlib.import_module(f"rapport.web.api.{info.name}")
        tree = ast.parse(inspect.getsource(module))
        services = {
            alias.asname or alias.name: f"{node.module}.{alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "rapport.services"
            for alias in node.names
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in services
                and _row_returning(services[node.func.value.id], node.func.attr)
            ):
                offenders.append(f"{info.name}:{node.lineno} {node.func.value.id}.{node.func.attr}")
    assert offenders == []


def test_the_web_package_is_a_package() -> None:
    import rapport.web

    assert rapport.web.__file__ is not None
    assert rapport.web.__file__.endswith("__init__.py")
