"""The pure model behind ResourceTable: diffing, formatting, widths, sort, filter."""

from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path

import pytest
from rich.text import Text

from barrack_tui.widgets import table_model
from barrack_tui.widgets.table_model import (
    SORT_INDICATOR_WIDTH,
    Cell,
    Column,
    TableModel,
)

COLUMNS = [
    Column("name", "Name"),
    Column("gpus", "GPUs", align="right"),
    Column("price", "$/h", formatter=lambda value: f"{value:.2f}"),
]


def model_with(rows: dict[str, dict[str, object]], columns: list[Column] = COLUMNS) -> TableModel:
    model = TableModel(columns)
    model.apply(rows)
    return model


def test_model_has_no_textual_import() -> None:
    tree = ast.parse(Path(table_model.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "textual" for name in imported)


def test_apply_reports_added_removed_and_changed() -> None:
    model = TableModel(COLUMNS)
    first = model.apply({"a": {"name": "x"}, "b": {"name": "y"}})
    assert (first.added, first.removed, first.changed) == (["a", "b"], [], [])
    same = model.apply({"a": {"name": "x"}, "b": {"name": "y"}})
    assert not same
    result = model.apply([("b", {"name": "y2"}), ("c", {"name": "z"})])
    assert (result.added, result.removed, result.changed) == (["c"], ["a"], ["b"])
    assert model.view == ["b", "c"]


def test_unchanged_rows_keep_their_entry_and_reordering_is_reported() -> None:
    model = model_with({"a": {"name": "x"}, "b": {"name": "y"}})
    entry = model.entry("a")
    result = model.apply({"b": {"name": "y"}, "a": {"name": "x"}})
    assert result.view_changed and not result.changed
    assert model.entry("a") is entry
    assert model.view == ["b", "a"]


def test_rows_are_copied_so_mutating_the_input_is_seen_as_a_change() -> None:
    row: dict[str, object] = {"name": "x"}
    model = model_with({"a": row})
    row["name"] = "y"
    assert model.apply({"a": row}).changed == ["a"]
    assert model.entry("a").texts[0] == "y"


def test_formatting_of_values_cells_text_and_none() -> None:
    model = model_with(
        {
            "a": {"name": Text("bold", style="bold"), "gpus": 4, "price": 1.5},
            "b": {"name": ("ok", "success"), "gpus": None, "price": None},
            "c": {"name": "two\nlines", "gpus": 2.5},
        }
    )
    a, b, c = (model.entry(key) for key in "abc")
    assert a.texts == ("bold", "4", "1.50")
    assert a.rich is not None and a.rich[0] is not None and a.rich[1] is None
    assert b.texts == ("ok", "", "")  # None never reaches the formatter
    assert b.tones == ("success", "", "")
    assert b.sorts[0] == "ok"
    assert c.texts[:2] == ("two lines", "2.5")
    assert a.tones is None and c.rich is None


def test_widths_fit_content_and_shrink_when_long_values_go() -> None:
    header_width = len("Name") + SORT_INDICATOR_WIDTH
    model = model_with({"a": {"name": "short"}, "b": {"name": "a-much-longer-name"}})
    assert model.widths[0] == len("a-much-longer-name")
    model.apply({"a": {"name": "short"}})
    assert model.widths[0] == header_width
    model.apply({"a": {"name": "x" * 100}})
    assert model.widths[0] == 40  # the default max_width


def test_fixed_and_minimum_widths_and_wide_characters() -> None:
    columns = [Column("a", "A", width=3), Column("b", "B", min_width=10), Column("c", "C")]
    model = model_with({"r": {"a": "abcdef", "b": "x", "c": "日本語"}}, columns)
    assert model.widths == (3, 10, 6)


def test_sort_numbers_text_and_empty_values() -> None:
    model = model_with(
        {
            "a": {"name": "beta", "gpus": 10},
            "b": {"name": "Alpha", "gpus": 9},
            "c": {"name": "", "gpus": None},
            "d": {"name": "alpha", "gpus": 100},
        }
    )
    model.set_sort("gpus")
    assert model.view == ["b", "a", "d", "c"]
    model.set_sort("gpus", reverse=True)
    assert model.view == ["d", "a", "b", "c"]
    model.set_sort("name")
    assert model.view == ["b", "d", "a", "c"]  # case-insensitive; ties by key


def test_sort_uses_cell_sort_values_and_survives_incomparable_values() -> None:
    model = model_with({"a": {"name": Cell("2h", sort=7200)}, "b": {"name": Cell("9m", sort=540)}})
    model.set_sort("name")
    assert model.view == ["b", "a"]
    mixed = model_with({"a": {"name": datetime(2026, 1, 2)}, "b": {"name": date(2026, 1, 1)}})
    mixed.set_sort("name")
    assert mixed.view == ["b", "a"]  # compared as text


def test_unknown_tones_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown tone"):
        model_with({"a": {"name": Cell("x", "sucess")}})


def test_sort_rejects_unknown_columns_and_duplicate_column_keys() -> None:
    with pytest.raises(KeyError):
        TableModel(COLUMNS).set_sort("nope")
    with pytest.raises(ValueError):
        TableModel([Column("a", "A"), Column("a", "B")])


def test_changed_rows_only_reorder_when_their_sort_value_changes() -> None:
    model = model_with({"a": {"name": "a", "gpus": 1}, "b": {"name": "b", "gpus": 2}})
    model.set_sort("gpus")
    view = model.view
    assert not model.apply({"a": {"name": "a2", "gpus": 1}, "b": {"name": "b", "gpus": 2}}).view_changed
    assert model.view is view
    result = model.apply({"a": {"name": "a2", "gpus": 3}, "b": {"name": "b", "gpus": 2}})
    assert result.view_changed
    assert model.view == ["b", "a"]


def test_filter_is_case_insensitive_over_displayed_text() -> None:
    model = model_with({"a": {"name": "Train-A100", "price": 1.5}, "b": {"name": "infer", "price": 12.25}})
    model.set_filter("a100")
    assert model.view == ["a"]
    model.set_filter("12.25")
    assert model.view == ["b"]
    model.set_filter("  ")
    assert model.view == ["a", "b"]
    model.set_filter("1", column_keys=["name"])
    assert model.view == ["a"]
    model.apply({"a": {"name": "Train-A100", "price": 1.5}, "b": {"name": "infer-1", "price": 12.25}})
    assert model.view == ["a", "b"]
    assert (model.shown, model.total) == (2, 2)


def test_update_touches_only_the_rows_it_is_given() -> None:
    model = model_with({"a": {"name": "x", "gpus": 1}, "b": {"name": "y", "gpus": 2}, "c": {"name": "z", "gpus": 3}})
    untouched = model.entry("c")
    result = model.update({"b": {"name": "y", "gpus": 8}})
    assert (result.added, result.removed, result.changed) == ([], [], ["b"])
    assert model.entry("c") is untouched and model.view == ["a", "b", "c"]
    assert not model.update({"a": {"name": "x", "gpus": 1}})  # as it was: nothing to do


def test_update_adds_last_and_drops_removed_rows() -> None:
    model = model_with({"a": {"name": "x"}, "b": {"name": "y"}})
    result = model.update({"c": {"name": "z"}}, removed=["a", "gone-already"])
    assert (result.added, result.removed) == (["c"], ["a"])
    assert model.view == ["b", "c"] and "a" not in model


def test_update_takes_the_unsorted_order_it_is_given() -> None:
    model = model_with({"a": {"name": "x"}, "c": {"name": "z"}})
    model.update({"b": {"name": "y"}}, order=["a", "b", "c"])
    assert model.view == ["a", "b", "c"]
    model.set_sort("name", reverse=True)
    model.update({"d": {"name": "w"}}, order=["d", "a", "b", "c"])
    assert model.view == ["c", "b", "a", "d"]
    model.set_sort(None)
    assert model.view == ["d", "a", "b", "c"]


def test_update_keeps_widths_sort_and_filter_in_step() -> None:
    model = model_with({"a": {"name": "x", "gpus": 1}, "b": {"name": "y", "gpus": 2}})
    model.set_sort("gpus")
    model.set_filter("y")
    assert model.view == ["b"]
    model.update({"a": {"name": "y" * 30, "gpus": 9}})
    assert model.view == ["b", "a"]  # now matches the filter, and sorts after b
    assert model.widths[0] == 30
    model.update({}, removed=["a"])
    assert model.widths[0] == TableModel([COLUMNS[0]]).widths[0]
