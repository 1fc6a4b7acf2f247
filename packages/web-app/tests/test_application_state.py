"""Application as a mapping of typed state, and its freezing rules."""

from __future__ import annotations

from typing import Any

import pytest

from aiostrata.web_app import AppKey, Application, NotAppKeyWarning


def test_app_key_carries_its_type_and_name() -> None:
    key = AppKey("db", int)
    app = Application()
    app[key] = 5
    assert app[key] == 5
    assert app.get(key) == 5
    assert repr(key) == f"<AppKey({__name__}.db, type=int)>"


def test_string_keys_work_with_a_warning() -> None:
    app = Application()
    with pytest.warns(NotAppKeyWarning):
        app["plain"] = 1
    assert app["plain"] == 1
    assert list(app) == ["plain"]
    del app["plain"]
    assert len(app) == 0


def test_changing_state_after_freeze_is_deprecated() -> None:
    key = AppKey("k", str)
    app = Application()
    app.freeze()
    with pytest.warns(DeprecationWarning, match="started or joined"):
        app[key] = "late"


def test_applications_compare_by_identity() -> None:
    one, two = Application(), Application()
    assert one != two
    assert one == one
    assert bool(Application())
    assert len({one, two}) == 2


def test_custom_attributes_and_subclassing_are_discouraged() -> None:
    app = Application()
    with pytest.warns(DeprecationWarning, match="custom"):
        app.custom = 1
    with pytest.warns(DeprecationWarning, match="Inheritance"):

        class MyApp(Application):
            pass


def test_deprecated_constructor_arguments_warn() -> None:
    with pytest.warns(DeprecationWarning, match="debug argument"):
        app = Application(debug=True)
    with pytest.warns(DeprecationWarning, match="debug property"):
        assert app.debug is True


def test_routes_cannot_be_added_after_freeze() -> None:
    app = Application()
    app.freeze()
    assert app.frozen

    async def handler(request: object) -> None:
        return None

    with pytest.raises(RuntimeError):
        app.router.add_get("/", handler)


def test_state_with_string_and_typed_keys_sorts() -> None:
    later, earlier = AppKey("zeta", int), AppKey("alpha", int)
    app = Application()
    app[later] = 1
    with pytest.warns(NotAppKeyWarning):
        app.update({"b": 2, "a": 3})
    app[earlier] = 4
    # Typed keys first, by name; then the strings: a total order, as aiohttp's.
    assert sorted(app) == [earlier, later, "a", "b"]
    mixed: list[Any] = ["b", later, "a", earlier]
    assert sorted(mixed) == [earlier, later, "a", "b"]


def test_a_key_made_with_a_subscripted_type_keeps_its_type_and_module() -> None:
    key = AppKey[list[int]]("numbers")
    assert repr(key) == f"<AppKey({__name__}.numbers, type=list[int])>"


def test_keys_made_in_a_function_name_the_module_they_are_made_in() -> None:
    def make() -> AppKey[str]:
        return AppKey("inner", str)

    assert repr(make()) == f"<AppKey({__name__}.inner, type=str)>"
