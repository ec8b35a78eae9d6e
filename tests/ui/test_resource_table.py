"""Pilot tests for ResourceTable: rendering, minimal repaints, the keyed
cursor, sorting, filtering, marks and input."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.strip import Strip

from barrack_tui.widgets.resource_table import Cell, Column, ResourceTable
from tests.ui.harness import wait_until

SIZE = (100, 20)  # the table gets 18 content lines: the header and 17 rows
COLUMNS = [
    Column("name", "Name"),
    Column("status", "Status"),
    Column("gpus", "GPUs", align="right"),
    Column("price", "$/h", align="right", formatter=lambda value: f"{value:.2f}"),
]


def instance(number: int, status: str = "ACTIVE", gpus: int = 1, price: float = 1.0) -> dict[str, Any]:
    tone = "success" if status == "ACTIVE" else "warning"
    return {"name": f"node-{number}", "status": Cell(status, tone), "gpus": gpus, "price": price}


def fleet(count: int) -> dict[str, dict[str, Any]]:
    return {f"i{number:05d}": instance(number, gpus=number % 8, price=number / 10) for number in range(count)}


class CountingTable(ResourceTable):
    """Records which content lines were rendered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rendered: list[int] = []

    def render_line(self, y: int) -> Strip:
        self.rendered.append(y)
        return super().render_line(y)


class TableApp(App[None]):
    BINDINGS = [Binding("escape", "screen_escape")]

    def __init__(self, rows: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.initial_rows = rows or {}
        self.events: list[tuple[str, Any]] = []
        self.frames = 0
        self.escaped = 0

    def compose(self) -> ComposeResult:
        yield CountingTable(COLUMNS, id="table", empty_text="No instances")

    def on_mount(self) -> None:
        table = self.query_one(CountingTable)
        table.set_rows(self.initial_rows)
        table.focus()

    def post_display_hook(self) -> None:
        self.frames += 1

    def action_screen_escape(self) -> None:
        self.escaped += 1

    def on_resource_table_cursor_moved(self, message: ResourceTable.CursorMoved) -> None:
        self.events.append(("cursor", message.key))

    def on_resource_table_row_activated(self, message: ResourceTable.RowActivated) -> None:
        self.events.append(("activated", message.key))

    def on_resource_table_selection_changed(self, message: ResourceTable.SelectionChanged) -> None:
        self.events.append(("selection", message.keys))


def screen_lines(table: ResourceTable) -> list[str]:
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


async def settled(pilot: Any, table: CountingTable) -> None:
    """Let pending paints happen (until a pause paints nothing), then forget them."""
    for _ in range(50):
        table.rendered.clear()
        pilot.app.frames = 0
        await pilot.pause()
        if not table.rendered and not pilot.app.frames:
            return
    raise AssertionError("the table kept repainting on its own")


# ---- rendering


async def test_rows_render_with_header_alignment_and_formatting() -> None:
    app = TableApp(fleet(3))
    async with app.run_test(size=SIZE):
        table = app.query_one(CountingTable)
        lines = screen_lines(table)
        assert lines[0].split() == ["Name", "Status", "GPUs", "$/h"]
        assert lines[1].split() == ["node-0", "ACTIVE", "0", "0.00"]
        assert lines[3].split() == ["node-2", "ACTIVE", "2", "0.20"]
        # Right-aligned columns end at the same cell as their header.
        assert lines[0].index("GPUs") + len("GPUs") == lines[1].index(" 0 ") + 2
        assert lines[4] == ""
        assert table.count_text == "3"


async def test_empty_state_text_is_settable() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE):
        table = app.query_one(CountingTable)
        assert "No instances" in screen_lines(table)[1]
        table.empty_text = "Nothing deployed yet"
        assert "Nothing deployed yet" in screen_lines(table)[1]
        assert table.cursor_key is None


async def test_tone_colours_the_status_cell_only() -> None:
    app = TableApp({"a": instance(1, "ACTIVE"), "b": instance(2, "STOPPING")})
    async with app.run_test(size=SIZE):
        table = app.query_one(CountingTable)
        success = table.get_component_rich_style("resource-table--success").color
        warning = table.get_component_rich_style("resource-table--warning").color
        segments = {segment.text.strip(): segment.style for segment in table.render_line(2)}
        assert segments["STOPPING"].color == warning
        assert segments["STOPPING"].color != segments["node-2"].color
        assert {segment.text.strip(): segment.style for segment in table.render_line(1)}["ACTIVE"].color == success


async def test_long_values_are_cut_at_max_width_with_an_ellipsis() -> None:
    columns = [Column("name", "Name", max_width=8), Column("note", "Note", width=5)]

    class Narrow(TableApp):
        def compose(self) -> ComposeResult:
            yield CountingTable(columns, id="table")

    app = Narrow({"a": {"name": "a-very-long-name", "note": "abcdefgh"}})
    async with app.run_test(size=SIZE):
        table = app.query_one(CountingTable)
        assert screen_lines(table)[1].split() == ["a-very-…", "abcd…"]


async def test_rich_text_cells_keep_their_styles() -> None:
    app = TableApp({"a": {"name": Text.assemble(("GPU", "bold"), " x8"), "status": "ok"}})
    async with app.run_test(size=SIZE):
        table = app.query_one(CountingTable)
        segments = [segment for segment in table.render_line(1) if segment.text.strip()]
        assert screen_lines(table)[1].split()[:3] == ["GPU", "x8", "ok"]
        assert [segment.style.bold for segment in segments if segment.text == "GPU"] == [True]


async def test_wide_tables_scroll_sideways_header_included() -> None:
    columns = [Column(f"c{number}", f"Col{number}", width=20) for number in range(8)]

    class Wide(TableApp):
        def compose(self) -> ComposeResult:
            yield CountingTable(columns, id="table")

    app = Wide({"a": {f"c{number}": f"value{number}" for number in range(8)}})
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        assert "Col7" not in screen_lines(table)[0]
        await pilot.press("right")
        await wait_until(pilot, lambda: table.scroll_offset.x > 0, "the table to scroll right")
        table.scroll_to(x=table.max_scroll_x, animate=False)
        await pilot.pause()
        assert "Col7" in screen_lines(table)[0]
        assert "value7" in screen_lines(table)[1]


async def test_stale_dims_rows_through_a_css_class() -> None:
    app = TableApp(fleet(2))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        fresh = table.render_line(2)
        table.stale = True
        await pilot.pause()
        assert table.has_class("-stale")
        stale = table.render_line(2)
        assert stale.text == fresh.text
        stale_colour = table.get_component_rich_style("resource-table--stale").color
        assert {segment.style.color for segment in stale if segment.text.strip()} == {stale_colour}


# ---- repainting only what changed


async def test_identical_rows_repaint_nothing() -> None:
    rows = fleet(50)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await settled(pilot, table)
        table.set_rows({key: dict(row) for key, row in rows.items()})
        await pilot.pause()
        await pilot.pause()
        assert table.rendered == []
        assert app.frames == 0


async def test_changing_one_cell_repaints_only_its_line() -> None:
    rows = fleet(50)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await settled(pilot, table)
        rows = dict(rows)
        rows["i00004"] = instance(4, "STOPPING", gpus=4, price=0.4)
        table.set_rows(rows)
        await pilot.pause()
        assert table.rendered == [5]  # line 0 is the header, row 4 is on line 5
        assert "STOPPING" in screen_lines(table)[5]


async def test_changes_below_the_screen_repaint_nothing() -> None:
    rows = fleet(100)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await settled(pilot, table)
        rows = dict(rows)
        rows["i00090"] = instance(90, "STOPPING", gpus=2, price=9.0)
        table.set_rows(rows)
        await pilot.pause()
        assert table.rendered == []


async def test_cursor_move_repaints_two_lines() -> None:
    app = TableApp(fleet(50))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await settled(pilot, table)
        table.action_cursor_down()
        await pilot.pause()
        assert sorted(table.rendered) == [1, 2]


async def test_scrolling_one_line_builds_only_the_rows_that_changed(monkeypatch: Any) -> None:
    built: list[str] = []
    render_row = ResourceTable._render_row

    def counted(self: ResourceTable, entry: Any, cursor: int, marked: bool) -> Strip:
        built.append(entry.key)
        return render_row(self, entry, cursor, marked)

    monkeypatch.setattr(ResourceTable, "_render_row", counted)
    app = TableApp(fleet(50))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        table.cursor_key = "i00016"  # the last row on screen
        await settled(pilot, table)
        built.clear()
        table.action_cursor_down()
        await pilot.pause()
        assert len(table.rendered) == table.size.height  # the view moved: every line was repainted
        # Only the new row: the one the cursor left was painted without it before.
        assert built == ["i00017"]
        assert screen_lines(table)[-1].split()[0] == "node-17"


async def test_a_theme_change_repaints_rows_in_the_new_theme() -> None:
    app = TableApp(fleet(3))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        before = table.render_line(2)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        after = table.render_line(2)
        assert after.text == before.text
        assert [segment.style for segment in after] != [segment.style for segment in before]
        assert next(iter(after)).style.bgcolor == table.rich_style.bgcolor


async def test_the_scrollbar_repaints_only_when_its_thumb_moves(monkeypatch: Any) -> None:
    app = TableApp(fleet(10_000))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        bar = table.vertical_scrollbar
        renders = 0
        render = bar.render

        def counted() -> Any:
            nonlocal renders
            renders += 1
            return render()

        monkeypatch.setattr(bar, "render", counted)
        await settled(pilot, table)
        renders = 0
        table.scroll_to(y=1, animate=False)
        await pilot.pause()
        assert renders == 0 and bar.position == table.scroll_y == 1  # moved a fraction of a cell
        table.scroll_to(y=5000, animate=False)
        await pilot.pause()
        assert renders == 1 and bar.position == 5000


async def test_rows_replaced_below_the_screen_repaint_nothing() -> None:
    rows = fleet(100)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await settled(pilot, table)
        # Same count (the border stays) and same widths: nothing on screen changes.
        rows = dict(rows)
        del rows["i00098"]
        rows["i00100"] = instance(10)
        table.set_rows(rows)
        await pilot.pause()
        assert table.rendered == []
        assert table.row_keys[-1] == "i00100"


# ---- the cursor follows its row key


async def test_cursor_stays_on_its_key_through_refresh_sort_filter_insert_and_delete() -> None:
    rows = fleet(30)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        table.cursor_key = "i00010"
        assert table.cursor_index == 10

        refreshed = {key: instance(int(key[1:]), "STOPPING") for key in reversed(list(rows))}
        table.set_rows(refreshed)  # every row changed and the source order reversed
        assert table.cursor_key == "i00010"
        assert table.cursor_index == 19

        table.sort_by("price", reverse=True)
        assert table.cursor_key == "i00010"

        table.set_filter("node-1")
        assert table.cursor_key == "i00010"
        table.set_filter("")

        table.sort_by(None)
        inserted = {"new-1": instance(900), "new-2": instance(901), **refreshed}
        table.set_rows(inserted)
        assert table.row_keys[:2] == ["new-1", "new-2"]
        assert table.cursor_key == "i00010"
        assert table.cursor_index == 21

        del inserted["i00029"], inserted["i00028"]
        table.set_rows(inserted)
        assert table.cursor_key == "i00010"
        await pilot.pause()
        cursor_events = [key for kind, key in app.events if kind == "cursor"]
        assert cursor_events == ["i00000", "i00010"]  # first rows, then the explicit move


async def test_deleting_the_cursor_row_moves_to_its_neighbour() -> None:
    rows = fleet(10)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        table.cursor_key = "i00004"
        rows = {key: row for key, row in rows.items() if key not in {"i00004", "i00005"}}
        table.set_rows(rows)
        assert table.cursor_key == "i00006"  # the next surviving row below

        table.cursor_key = "i00009"
        del rows["i00009"]
        table.set_rows(rows)
        assert table.cursor_key == "i00008"  # the last row: the one above

        table.set_rows({})
        assert table.cursor_key is None
        await pilot.pause()
        assert app.events[-1] == ("cursor", None)


async def test_filtering_out_the_cursor_row_moves_to_a_shown_neighbour() -> None:
    app = TableApp({"a": instance(1), "b": instance(2), "c": instance(13)})
    async with app.run_test(size=SIZE):
        table = app.query_one(CountingTable)
        table.cursor_key = "b"
        table.set_filter("node-1")
        assert table.row_keys == ["a", "c"]
        assert table.cursor_key == "c"


async def test_scroll_offset_stays_put_on_refresh() -> None:
    rows = fleet(200)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        table.scroll_to(y=100, animate=False)
        await pilot.pause()
        assert table.scroll_offset.y == 100
        table.set_rows({"extra": instance(999), **{key: instance(int(key[1:]), "STOPPING") for key in rows}})
        await pilot.pause()
        assert table.scroll_offset.y == 100


# ---- sorting


async def test_sort_numbers_numerically_and_text_ignoring_case() -> None:
    rows = {
        "a": {"name": "beta", "status": "x", "gpus": 10, "price": 1.0},
        "b": {"name": "Alpha", "status": "x", "gpus": 2, "price": 2.0},
        "c": {"name": "gamma", "status": "x", "gpus": None, "price": 3.0},
        "d": {"name": "alpha-2", "status": "x", "gpus": 1, "price": 4.0},
    }
    app = TableApp(rows)
    async with app.run_test(size=SIZE):
        table = app.query_one(CountingTable)
        table.sort_by("gpus")
        assert table.row_keys == ["d", "b", "a", "c"]  # 1, 2, 10, then empty
        assert "GPUs ▲" in screen_lines(table)[0]
        table.sort_by("gpus", reverse=True)
        assert table.row_keys == ["a", "b", "d", "c"]  # empty stays last
        assert "GPUs ▼" in screen_lines(table)[0]
        table.sort_by("name")
        assert table.row_keys == ["b", "d", "a", "c"]
        table.sort_by(None)
        assert table.row_keys == ["a", "b", "c", "d"]
        assert "▲" not in screen_lines(table)[0]


async def test_cell_sort_value_overrides_its_text() -> None:
    rows = {
        "a": {"name": Cell("2h", sort=7200)},
        "b": {"name": Cell("45m", sort=2700)},
        "c": {"name": Cell("1d", sort=86400)},
    }
    app = TableApp(rows)
    async with app.run_test(size=SIZE):
        table = app.query_one(CountingTable)
        table.sort_by("name")
        assert table.row_keys == ["b", "a", "c"]


async def test_sort_keys_cycle_and_reverse() -> None:
    app = TableApp(fleet(5))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.press("o")
        assert (table.sort_column, table.sort_reverse) == ("name", False)
        await pilot.press("O")
        assert (table.sort_column, table.sort_reverse) == ("name", True)
        await pilot.press("o", "o", "o")
        assert (table.sort_column, table.sort_reverse) == ("price", False)
        await pilot.press("o")
        assert table.sort_column is None


async def test_clicking_a_header_sorts_and_clicking_again_reverses() -> None:
    app = TableApp(fleet(5))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        header = screen_lines(table)[0]
        # +1 for the table's left border.
        offset = (header.index("GPUs") + 1, 1)
        await pilot.click(CountingTable, offset=offset)
        assert (table.sort_column, table.sort_reverse) == ("gpus", False)
        await pilot.click(CountingTable, offset=offset)
        assert (table.sort_column, table.sort_reverse) == ("gpus", True)


# ---- filtering


async def test_filter_shows_n_of_m_and_matches_displayed_text() -> None:
    app = TableApp(fleet(30))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        table.set_filter("NODE-2")
        assert table.shown_count == 11  # node-2 and node-20..29
        assert table.count_text == "11 of 30"
        await pilot.pause()
        assert table.border_subtitle == "11 of 30"
        table.set_filter("1.50")  # the formatted price of node-15
        assert table.row_keys == ["i00015"]
        table.set_filter("node-1", columns=["status"])
        assert table.row_keys == []
        assert "No rows match “node-1”" in screen_lines(table)[1]
        table.set_filter("")
        assert table.shown_count == 30
        assert table.count_text == "30"


async def test_rows_changing_under_a_filter_enter_and_leave_it() -> None:
    rows = {"a": instance(1, "ACTIVE"), "b": instance(2, "ACTIVE")}
    app = TableApp(rows)
    async with app.run_test(size=SIZE):
        table = app.query_one(CountingTable)
        table.set_filter("stopping")
        assert table.row_keys == []
        table.set_rows({"a": instance(1, "STOPPING"), "b": instance(2, "ACTIVE")})
        assert table.row_keys == ["a"]
        assert table.count_text == "1 of 2"


# ---- marks


async def test_space_marks_rows_and_escape_clears_them() -> None:
    app = TableApp(fleet(5))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.press("space", "down", "down", "space")
        assert table.selected_keys == {"i00000", "i00002"}
        assert screen_lines(table)[1].startswith("✓")
        await pilot.press("up", "up", "space")
        assert table.selected_keys == {"i00002"}
        await pilot.press("escape")
        assert table.selected_keys == frozenset()
        assert app.escaped == 0
        await pilot.press("escape")  # nothing marked: the screen gets escape
        assert app.escaped == 1
        selections = [keys for kind, keys in app.events if kind == "selection"]
        assert selections[-1] == frozenset()
        assert len(selections) == 4


async def test_marks_survive_refresh_and_drop_with_their_rows() -> None:
    rows = fleet(5)
    app = TableApp(rows)
    async with app.run_test(size=SIZE):
        table = app.query_one(CountingTable)
        table.set_marked("i00001")
        table.set_marked("i00003")
        table.set_rows({key: instance(int(key[1:]), "STOPPING") for key in rows})
        assert table.selected_keys == {"i00001", "i00003"}
        del rows["i00003"]
        table.set_rows(rows)
        assert table.selected_keys == {"i00001"}
        table.set_filter("node-4")
        table.action_mark_all()
        assert table.selected_keys == {"i00001", "i00004"}
        table.clear_marks()
        assert table.selected_keys == frozenset()


# ---- keys and mouse


async def test_navigation_keys_and_enter() -> None:
    app = TableApp(fleet(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.press("down", "down", "up")
        assert table.cursor_key == "i00001"
        await pilot.press("pagedown")
        assert table.cursor_index == 1 + 17
        await pilot.press("end")
        assert table.cursor_key == "i00099"
        assert table.scroll_offset.y == 100 - 17
        await pilot.press("pageup")
        assert table.cursor_index == 99 - 17
        await pilot.press("home")
        assert table.cursor_key == "i00000"
        assert table.scroll_offset.y == 0
        await pilot.press("enter")
        assert app.events[-1] == ("activated", "i00000")


async def test_click_selects_and_double_click_activates() -> None:
    app = TableApp(fleet(10))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.click(CountingTable, offset=(5, 4))  # border + header: row 2
        assert table.cursor_key == "i00002"
        assert ("activated", "i00002") not in app.events
        await pilot.double_click(CountingTable, offset=(5, 6))
        assert table.cursor_key == "i00004"
        assert app.events[-1] == ("activated", "i00004")


async def test_mouse_wheel_scrolls_without_moving_the_cursor() -> None:
    app = TableApp(fleet(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.mouse_down(CountingTable)  # focus; harmless
        for _ in range(3):
            table.post_message(_wheel_down(table))
        await pilot.pause()
        assert table.scroll_offset.y > 0
        assert table.cursor_key == "i00000"


def _wheel_down(table: ResourceTable) -> Any:
    from textual.events import MouseScrollDown

    return MouseScrollDown(table, 5, 5, 0, 0, 0, False, False, False, screen_x=5, screen_y=5)


# ---- scale


async def test_ten_thousand_rows_load_and_navigate() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        table.set_rows(fleet(10_000))
        await pilot.pause()
        assert table.count_text == "10,000"
        assert table.virtual_size.height == 10_001
        assert max(table.rendered) < table.size.height  # only the screen was drawn
        table.action_cursor_last()
        await pilot.pause()
        assert table.cursor_key == "i09999"
        assert screen_lines(table)[-1].split()[0] == "node-9999"
