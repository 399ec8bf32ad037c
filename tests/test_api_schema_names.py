"""Two API schemas with the same class name collide in the OpenAPI document (one silently replaces the other in
``components/schemas``), and a client generated from it would send the wrong body. Every schema class that an
operation reads or answers must have its own name."""

from collections import defaultdict

from config.api import api


def _models(annotation, seen):
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
    for arg in getattr(annotation, "__args__", ()) or ():
        _models(arg, seen)


def test_schema_class_names_are_unique():
    seen: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    for field in model.model_fields.values():
                        _models(field.annotation, seen)
                for response in operation.response_models.values():
                    _models(response, seen)
    by_name = defaultdict(set)
    for model in seen:
        if model.__module__.startswith("pontis."):
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(paths) for name, paths in by_name.items() if len(paths) > 1}
    assert len(seen) > 50
    assert clashes == {}
