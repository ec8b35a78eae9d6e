"""`ResourceTable`: a virtualised, keyed table for live resource lists.

Why not `DataTable`: it measures every new cell on the event loop (10k rows
take seconds to first paint) and any `update_cell` repaints every visible
cell. This is a Line-API widget instead: it renders only the lines on screen,
from rows formatted once per change by `TableModel`, and after a change it
refreshes only the screen lines whose content really differs.

How "only what changed" works: every rendered line records a signature
(row key, row revision, cursor/mark state). After any change the widget
recomputes the signatures of the visible lines and refreshes just the lines
that differ, so `set_rows` with identical data refreshes nothing and writes
nothing to the terminal.

Scrolling repaints every line on screen (Textual has no blit), so the strips
of recently painted lines are kept by signature and styles: a one-line
scroll renders one new row. The scrollbar repaints only when its thumb moves
on screen, which at 10k rows is once every few dozen lines.

Layout of a line: a one-cell mark gutter, then each column preceded by one
space. Line 0 is the header and stays put while the body scrolls.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import islice
from math import ceil
from typing import Any, ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from barrack_tui.widgets.table_model import (
    TONES,
    ApplyResult,
    Cell,
    Column,
    Entry,
    Row,
    RowsInput,
    TableModel,
    text_width,
)

__all__ = ["Cell", "Column", "ResourceTable", "Row"]

MARK_GLYPH = "✓"
GUTTER_WIDTH = 1
ELLIPSIS = "…"
SORT_ASCENDING = " ▲"
SORT_DESCENDING = " ▼"

_NOT_PAINTED = object()

#: Painted lines kept for reuse: a few screens' worth, so scrolling back and
#: forth and cursor moves render almost nothing.
STRIP_CACHE_SIZE = 512


def fit_text(text: str, width: int, target: int, align: str) -> str:
    """Pad or cut `text` (of cell width `width`) to exactly `target` cells."""
    if width == target:
        return text
    if width < target:
        padding = " " * (target - width)
        return padding + text if align == "right" else text + padding
    if target <= 1:
        return ELLIPSIS[:target]
    if text.isascii():
        return text[: target - 1] + ELLIPSIS
    return set_cell_size(text, target - 1) + ELLIPSIS


class ResourceTable(ScrollView, can_focus=True):
    """A fast keyed table: rows are diff-applied by key, the cursor follows a
    row key, columns sort and filter, rows can be marked.

    Rows are mappings of column key to a value (see `table_model.Row`):
    a str, a raw value formatted by the column, a `Cell(value, tone, sort)`
    or a `(value, tone)` pair, or a Rich `Text`.

    The table owns its `border_subtitle` (the row count, "N of M" while
    filtering); screens may set `border_title`. Every binding has an id
    ("resource_table.<action>") so the app keymap can rebind it, and every
    action is public, so screens can bind their own keys to them.
    """

    ALLOW_SELECT = False  # a double click opens the row, it does not select text

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="resource_table.cursor_up"),
        Binding("down", "cursor_down", "Down", show=False, id="resource_table.cursor_down"),
        Binding("pageup", "cursor_page_up", "Page up", show=False, id="resource_table.page_up"),
        Binding(
            "pagedown", "cursor_page_down", "Page down", show=False, id="resource_table.page_down"
        ),
        Binding("home", "cursor_first", "First", show=False, id="resource_table.first"),
        Binding("end", "cursor_last", "Last", show=False, id="resource_table.last"),
        Binding("enter", "activate", "Open", show=False, id="resource_table.activate"),
        Binding("space", "toggle_mark", "Mark", show=False, id="resource_table.toggle_mark"),
        Binding("escape", "clear_marks", "Clear marks", show=False, id="resource_table.clear_marks"),
        Binding("o", "sort_next", "Sort", show=False, id="resource_table.sort_next"),
        Binding("O", "sort_reverse", "Reverse sort", show=False, id="resource_table.sort_reverse"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--marked",
        "resource-table--stale",
        "resource-table--empty",
        *(f"resource-table--{tone}" for tone in TONES),
    }

    DEFAULT_CSS = """
    ResourceTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        border: round $border-blurred;
        border-subtitle-color: $text-muted;
        scrollbar-size-vertical: 1;
        &:focus {
            border: round $border;
            & > .resource-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .resource-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .resource-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .resource-table--marked {
            background: $accent-muted;
            text-style: bold;
        }
        & > .resource-table--stale {
            color: $text-disabled;
        }
        & > .resource-table--empty {
            color: $text-muted;
            text-style: italic;
        }
        & > .resource-table--success { color: $text-success; }
        & > .resource-table--warning { color: $text-warning; }
        & > .resource-table--error { color: $text-error; }
        & > .resource-table--muted { color: $text-muted; }
        & > .resource-table--accent { color: $text-accent; }
    }
    """

    class CursorMoved(Message):
        """The cursor moved to another row (`key` is None when the table has
        no visible rows). Not sent when only the row's position changed."""

        def __init__(self, table: ResourceTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ResourceTable:
            return self.table

    class RowActivated(Message):
        """A row was opened (enter or double click)."""

        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ResourceTable:
            return self.table

    class SelectionChanged(Message):
        """The set of marked rows changed (by the user, `clear_marks`, or
        because marked rows disappeared)."""

        def __init__(self, table: ResourceTable, keys: frozenset[str]) -> None:
            super().__init__()
            self.table = table
            self.keys = keys

        @property
        def control(self) -> ResourceTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        empty_text: str = "No rows",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._model = TableModel(columns)
        self._cursor_key: str | None = None
        self._marked: set[str] = set()
        self._empty_text = empty_text
        self._stale = False
        self._painted: dict[int, object] = {}
        self._layout_widths: tuple[int, ...] = ()
        self._column_starts: tuple[int, ...] = ()
        self._table_width = 0
        self._count_text = ""
        self._paint_styles: dict[tuple[str, ...], Style] = {}
        self._palette: tuple[Hashable, tuple[Style, ...]] | None = None
        self._strips: LRUCache[Hashable, Strip] = LRUCache(STRIP_CACHE_SIZE)
        self._update_layout()
        self._update_virtual_size()

    # ---- public properties

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._model.columns

    @property
    def cursor_key(self) -> str | None:
        """Key of the highlighted row (None when no row is shown)."""
        return self._cursor_key

    @cursor_key.setter
    def cursor_key(self, key: str | None) -> None:
        """Move the cursor to `key` and scroll it into view. Keys that are not
        shown (unknown or filtered out) are ignored."""
        if key is None or self._model.index_of(key) is None:
            return
        self._set_cursor(key)
        self._scroll_to_cursor()
        self._sync_lines()

    @property
    def cursor_index(self) -> int | None:
        """Display position of the cursor row."""
        return self._model.index_of(self._cursor_key)

    @property
    def row_keys(self) -> list[str]:
        """Keys of the shown rows, in display order."""
        return list(self._model.view)

    @property
    def total_count(self) -> int:
        return self._model.total

    @property
    def shown_count(self) -> int:
        return self._model.shown

    @property
    def count_text(self) -> str:
        """"N of M" while filtering, else "M" (also the border subtitle)."""
        return self._count_text

    @property
    def selected_keys(self) -> frozenset[str]:
        """Keys of the marked rows (including marked rows hidden by the filter)."""
        return frozenset(self._marked)

    @property
    def sort_column(self) -> str | None:
        return self._model.sort_column

    @property
    def sort_reverse(self) -> bool:
        return self._model.sort_reverse

    @property
    def filter_text(self) -> str:
        return self._model.filter_text

    @property
    def empty_text(self) -> str:
        return self._empty_text

    @empty_text.setter
    def empty_text(self, text: str) -> None:
        self._empty_text = text
        self._sync_lines()

    @property
    def stale(self) -> bool:
        """True dims every row (the data is old); also sets the `-stale` class."""
        return self._stale

    @stale.setter
    def stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self.set_class(stale, "-stale")
            self.refresh()

    def get_row(self, key: str) -> Row | None:
        """The row last given for `key`, as given."""
        entry = self._model.entry(key)
        return None if entry is None else entry.raw

    def has_row(self, key: str) -> bool:
        """True if the table holds a row with this key (shown or filtered out)."""
        return key in self._model

    # ---- changing the data

    def set_rows(self, rows: RowsInput) -> None:
        """Make the table hold exactly `rows` (key -> row), in this order when
        unsorted. Only rows that differ are reformatted and only screen lines
        that differ are repainted; identical data repaints nothing."""
        model = self._model
        old_view, old_index = model.view, model.index_of(self._cursor_key)
        self._changed(model.apply(rows), old_view, old_index)

    def update_rows(
        self, rows: Mapping[str, Row], removed: Iterable[str] = (), order: Sequence[str] | None = None
    ) -> None:
        """Add or replace `rows` and drop `removed`, leaving the rest alone: a
        refresh that knows what changed costs that, not the table's size.
        `order` is the full unsorted order when rows came or went (default:
        new rows last)."""
        model = self._model
        old_view, old_index = model.view, model.index_of(self._cursor_key)
        self._changed(model.update(rows, removed, order), old_view, old_index)

    def _changed(self, result: ApplyResult, old_view: list[str], old_index: int | None) -> None:
        if not result:
            return
        if result.removed and self._marked:
            dropped = self._marked.intersection(result.removed)
            if dropped:
                self._marked -= dropped
                self.post_message(self.SelectionChanged(self, frozenset(self._marked)))
        self._after_change(old_view, old_index, follow_cursor=False)

    def sort_by(self, column_key: str | None, reverse: bool = False) -> None:
        """Sort by a column (None: the order the rows were given in)."""
        model = self._model
        old_view, old_index = model.view, model.index_of(self._cursor_key)
        model.set_sort(column_key, reverse)
        self._after_change(old_view, old_index, follow_cursor=True)

    def set_filter(self, text: str, columns: Iterable[str] | None = None) -> None:
        """Show only rows whose displayed text contains `text`, ignoring case
        (in all columns, or only in `columns`). An empty text shows all rows."""
        model = self._model
        old_view, old_index = model.view, model.index_of(self._cursor_key)
        model.set_filter(text, None if columns is None else tuple(columns))
        self._after_change(old_view, old_index, follow_cursor=True)

    def set_marked(self, key: str, marked: bool = True) -> None:
        """Mark or unmark one row."""
        if key not in self._model or marked == (key in self._marked):
            return
        if marked:
            self._marked.add(key)
        else:
            self._marked.discard(key)
        self._marks_changed()

    def clear_marks(self) -> None:
        if self._marked:
            self._marked.clear()
            self._marks_changed()

    # ---- actions (bind them from screens as `table.<name>` or via keymaps)

    def action_cursor_up(self) -> None:
        self._move_cursor(-1)

    def action_cursor_down(self) -> None:
        self._move_cursor(+1)

    def action_cursor_page_up(self) -> None:
        self._move_cursor(-self._body_height())

    def action_cursor_page_down(self) -> None:
        self._move_cursor(+self._body_height())

    def action_cursor_first(self) -> None:
        self._move_cursor_to(0)

    def action_cursor_last(self) -> None:
        self._move_cursor_to(self._model.shown - 1)

    def action_activate(self) -> None:
        if self._cursor_key is not None:
            self.post_message(self.RowActivated(self, self._cursor_key))

    def action_toggle_mark(self) -> None:
        if self._cursor_key is not None:
            self.set_marked(self._cursor_key, self._cursor_key not in self._marked)

    def action_clear_marks(self) -> None:
        self.clear_marks()

    def action_mark_all(self) -> None:
        """Mark every shown row (all rows matching the filter)."""
        before = len(self._marked)
        self._marked.update(self._model.view)
        if len(self._marked) != before:
            self._marks_changed()

    def action_sort_next(self) -> None:
        """Cycle the sort column: unsorted, first column, ..., last column."""
        keys: list[str | None] = [None, *(column.key for column in self.columns)]
        position = keys.index(self._model.sort_column)
        self.sort_by(keys[(position + 1) % len(keys)])

    def action_sort_reverse(self) -> None:
        if self._model.sort_column is not None:
            self.sort_by(self._model.sort_column, not self._model.sort_reverse)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # With nothing marked, escape is left to the screen (close, go back...).
        if action == "clear_marks":
            return bool(self._marked)
        return True

    # ---- internals: state changes

    def _after_change(
        self, old_view: list[str], old_index: int | None, *, follow_cursor: bool
    ) -> None:
        self._restore_cursor(old_view, old_index)
        if self._model.widths != self._layout_widths:
            self._update_layout()
            self.refresh()
        self._update_virtual_size()
        self._update_count()
        if follow_cursor:
            self._scroll_to_cursor()
        self._sync_lines()

    def _restore_cursor(self, old_view: list[str], old_index: int | None) -> None:
        """Keep the cursor on its row; if that row is gone (or filtered out),
        move to its nearest surviving neighbour in the previous order."""
        model = self._model
        if self._cursor_key is not None and model.index_of(self._cursor_key) is not None:
            return
        new_key: str | None = None
        if model.view:
            if old_index is not None:
                index_of = model.index_of
                below = (key for key in islice(old_view, old_index + 1, None) if index_of(key) is not None)
                above = (key for key in reversed(old_view[:old_index]) if index_of(key) is not None)
                new_key = next(below, None) or next(above, None)
            if new_key is None:
                new_key = model.view[min(old_index or 0, model.shown - 1)]
        self._set_cursor(new_key)

    def _set_cursor(self, key: str | None) -> None:
        if key != self._cursor_key:
            self._cursor_key = key
            self.post_message(self.CursorMoved(self, key))

    def _move_cursor(self, delta: int) -> None:
        index = self.cursor_index
        self._move_cursor_to(0 if index is None else index + delta)

    def _move_cursor_to(self, index: int) -> None:
        view = self._model.view
        if not view:
            return
        self._set_cursor(view[max(0, min(index, len(view) - 1))])
        self._scroll_to_cursor()
        self._sync_lines()

    def _marks_changed(self) -> None:
        self.post_message(self.SelectionChanged(self, frozenset(self._marked)))
        self._sync_lines()

    def _body_height(self) -> int:
        """Rows that fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        index = self.cursor_index
        if index is None:
            return
        top, body = self.scroll_offset.y, self._body_height()
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + body:
            self.scroll_to(y=index - body + 1, animate=False)

    def _update_layout(self) -> None:
        widths = self._model.widths
        starts: list[int] = []
        x = GUTTER_WIDTH
        for width in widths:
            starts.append(x + 1)
            x += 1 + width
        self._layout_widths = widths
        self._column_starts = tuple(starts)
        self._table_width = x

    def _update_virtual_size(self) -> None:
        """Header line plus one line per shown row."""
        size = Size(self._table_width, self._model.shown + 1)
        if size != self.virtual_size:
            # Assigning `virtual_size` would repaint every line; a layout pass
            # is all the scrollbars need.
            self.set_reactive(ResourceTable.virtual_size, size)
            self.refresh(layout=True, repaint=False)

    def _update_count(self) -> None:
        # Shown in the border, whose every change repaints the whole widget:
        # so it changes with the row count and the filter, not with marks.
        model = self._model
        text = f"{model.total:,}" if model.total else ""
        if model.filter_text.strip():
            text = f"{model.shown:,} of {model.total:,}"
        if text != self._count_text:
            self._count_text = text
            self.border_subtitle = text

    # ---- internals: painting

    def _line_signature(self, y: int) -> tuple[Any, ...] | None:
        """What screen line `y` shows; equal signatures render identically."""
        model = self._model
        if y == 0:
            return ("header", model.sort_column, model.sort_reverse)
        index = self.scroll_offset.y + y - 1
        view = model.view
        if index < len(view):
            key = view[index]
            cursor = 0
            if key == self._cursor_key:
                cursor = 2 if self.has_focus else 1
            return (key, model.entry(key), cursor, key in self._marked)
        if y == 1 and not view:
            return ("empty", self._empty_message())
        return None

    def _sync_lines(self) -> None:
        """Refresh the screen lines whose signature changed since painted."""
        if not self.is_mounted:
            return
        width = max(self.size.width, self._table_width)
        painted = self._painted
        for y in range(self.size.height):
            if painted.get(y, _NOT_PAINTED) != self._line_signature(y):
                self.refresh(Region(0, y, width, 1))

    def _empty_message(self) -> str:
        if self._model.total and self._model.filter_text.strip():
            return f"No rows match “{self._model.filter_text.strip()}”"
        return self._empty_text

    def render_lines(self, crop: Region) -> list[Strip]:
        # Styles are resolved once per paint: `rich_style` walks the DOM.
        self._paint_styles = {}
        return super().render_lines(crop)

    def _style(self, *components: str) -> Style:
        """The widget's style plus component styles, cached for one paint."""
        styles = self._paint_styles
        style = styles.get(components)
        if style is None:
            style = styles.get(())
            if style is None:
                style = styles[()] = self.rich_style
            for component in components:
                style += self.get_component_rich_style(component)
            styles[components] = style
        return style

    def render_line(self, y: int) -> Strip:
        self._painted[y] = signature = self._line_signature(y)
        scroll_x = self.scroll_offset.x
        if signature is None:
            return Strip.blank(self.size.width, self._style())
        # Everything the strip is made of: the line's content, where it is cut,
        # and the styles it is painted with (themes and focus change those).
        cache_key = (signature, self._stale, scroll_x, self.size.width, self._layout_widths, self._styles_in_use())
        strip = self._strips.get(cache_key)
        if strip is None:
            if y == 0:
                strip = self._render_header()
            elif signature[0] == "empty":
                text = " " * (GUTTER_WIDTH + 1) + self._empty_message()
                strip = Strip([Segment(text, self._style("resource-table--empty"))])
            else:
                _key, entry, cursor, marked = signature
                strip = self._render_row(entry, cursor, marked)
            strip = strip.crop_extend(scroll_x, scroll_x + self.size.width, self._style())
            self._strips.set(cache_key, strip)
        return strip

    def _styles_in_use(self) -> tuple[Style, ...]:
        """Every resolved style a line may be painted with.

        Resolving component styles walks the DOM (~0.1 ms each), too slow to
        repeat for every paint; they follow the theme, the widget's own style
        and its focus and stale states, so they are resolved again only when
        one of those changed.
        """
        base = self._style()
        depends_on = (self.app.theme, base, self.has_focus, self._stale)
        if self._palette is None or self._palette[0] != depends_on:
            components = [f"resource-table--{name}" for name in ("header", "empty", "stale", "marked", "cursor")]
            styles = (
                base,
                *(self._style(component) for component in components),
                *(self._tone_colour(tone) for tone in sorted(TONES)),
            )
            self._palette = (depends_on, styles)
        return self._palette[1]

    def _render_header(self) -> Strip:
        model = self._model
        parts = [" " * GUTTER_WIDTH]
        for column, width in zip(model.columns, self._layout_widths):
            label = column.label
            if column.key == model.sort_column:
                label += SORT_DESCENDING if model.sort_reverse else SORT_ASCENDING
            parts.append(" ")
            parts.append(fit_text(label, text_width(label), width, column.align))
        style = self._style("resource-table--header")
        return Strip([Segment("".join(parts), style)], self._table_width)

    def _render_row(self, entry: Entry, cursor: int, marked: bool) -> Strip:
        components: tuple[str, ...] = ()
        if self._stale:
            components += ("resource-table--stale",)
        if marked:
            components += ("resource-table--marked",)
        if cursor:
            components += ("resource-table--cursor",)
        style = self._style(*components)
        segments: list[Segment] = []
        parts = [MARK_GLYPH if marked else " "]
        texts, cell_widths, tones, rich = entry.texts, entry.widths, entry.tones, entry.rich
        for index, (column, width) in enumerate(zip(self._model.columns, self._layout_widths)):
            parts.append(" ")
            rich_text = rich[index] if rich is not None else None
            tone = tones[index] if tones is not None and not self._stale else ""
            if rich_text is None and not tone:
                parts.append(fit_text(texts[index], cell_widths[index], width, column.align))
                continue
            segments.append(Segment("".join(parts), style))
            parts.clear()
            if rich_text is not None:
                segments.extend(self._rich_cell(rich_text, width, column.align, style))
            else:
                text = fit_text(texts[index], cell_widths[index], width, column.align)
                segments.append(Segment(text, style + self._tone_colour(tone)))
        if parts:
            segments.append(Segment("".join(parts), style))
        return Strip(segments, self._table_width)

    def _tone_colour(self, tone: str) -> Style:
        """Only the tone's colour, so the cursor and mark backgrounds stay on toned cells."""
        return Style(color=self._style(f"resource-table--{tone}").color)

    def _rich_cell(self, text: Text, width: int, align: str, style: Style) -> list[Segment]:
        cell = Text(" ").join(text.split("\n")) if "\n" in text.plain else text.copy()
        cell.truncate(width, overflow="ellipsis")
        cell.align("right" if align == "right" else "left", width)
        segments = list(cell.render(self.app.console))
        if self._stale:
            segments = [Segment(segment.text) for segment in segments]
        return list(Segment.apply_style(segments, style))

    # ---- scrolling

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """As `ScrollView`'s, but the scrollbar repaints only when its thumb
        moves on screen: repainting it costs a fifth of a scrolling frame."""
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            if self._thumb(bar, old_value) == self._thumb(bar, new_value):
                bar.set_reactive(ScrollBar.position, new_value)
            else:
                bar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)

    @staticmethod
    def _thumb(bar: ScrollBar, position: float) -> list[str]:
        """The glyphs `bar` shows with its thumb at `position`."""
        window_size = bar.window_size if bar.window_size < bar.window_virtual_size else 0
        segments = bar.renderer.render_bar(
            size=bar.size.height,
            virtual_size=ceil(bar.window_virtual_size),
            window_size=ceil(window_size),
            position=position,
            thickness=bar.thickness,
            vertical=True,
        )
        return [segment.text for segment in segments.segments]

    # ---- events

    def _on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        x, y = offset
        if y == 0:
            column = self._column_at(x + self.scroll_offset.x)
            if column is not None:
                reverse = column.key == self._model.sort_column and not self._model.sort_reverse
                self.sort_by(column.key, reverse)
            return
        index = self.scroll_offset.y + y - 1
        if index >= self._model.shown:
            return
        self._move_cursor_to(index)
        if event.chain >= 2:
            self.action_activate()

    def _column_at(self, x: int) -> Column | None:
        for column, start, width in zip(self.columns, self._column_starts, self._layout_widths):
            if start <= x < start + width:
                return column
        return None
