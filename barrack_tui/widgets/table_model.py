"""The rows, sort order, filter and column widths behind `ResourceTable`.

Pure Python (Rich only for cell widths), no Textual: the widget asks this model
what to draw and the model never paints. Everything a refresh touches is kept
cheap for 10k+ rows:

- `apply()` diffs the new rows against the stored ones with plain dict equality
  and only formats the rows that changed.
- Column widths are kept as a histogram of cell widths per column, updated for
  the changed rows only, so no refresh re-measures every cell.
- The displayed order (filter + sort) is recomputed only when membership,
  source order, or a sort/filter-relevant value changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any, Literal, NamedTuple, TypeAlias

from rich.cells import cell_len
from rich.text import Text

Align: TypeAlias = Literal["left", "right"]

#: Cell tones styled by the widget's `resource-table--<tone>` component classes.
TONES: frozenset[str] = frozenset({"success", "warning", "error", "muted", "accent"})

#: Extra header cells reserved in fit-content columns for the sort indicator,
#: so sorting never changes a column's width.
SORT_INDICATOR_WIDTH = 2


@dataclass(frozen=True, slots=True)
class Column:
    """One column, declared up front.

    Attributes:
        key: The key of this column's value in each row mapping.
        label: Header text.
        width: Fixed width in cells, or None to fit the content (header and
            values), clamped to `min_width`..`max_width`.
        align: "left" or "right" (use right for numbers and money).
        min_width: Smallest width of a fit-content column.
        max_width: Largest width of a fit-content column; longer values are
            cut with an ellipsis.
        formatter: Turns a raw value that is not a str (a number, a datetime)
            into display text; the raw value is still what sorts. None is
            always shown as an empty cell and never reaches the formatter.
    """

    key: str
    label: str
    width: int | None = None
    align: Align = "left"
    min_width: int = 1
    max_width: int = 40
    formatter: Callable[[Any], str] | None = None


class Cell(NamedTuple):
    """A cell with a tone and/or a sort value different from what it shows.

    A plain 2-tuple `(value, tone)` is read as a `Cell` too.

    Attributes:
        value: What to show: a str, or a raw value passed through the column's
            formatter.
        tone: "" or one of `TONES` ("success", "warning", "error", "muted",
            "accent"); coloured by the theme through component classes.
            Any other tone raises ValueError when the row is applied.
        sort: What to sort by, when not `value` (e.g. seconds for "2h 3m").
    """

    value: Any
    tone: str = ""
    sort: Any = None


#: A row: column key -> a str, a raw value (number, None, ...), a `Cell`, a
#: `(value, tone)` pair, or a Rich `Text` (its spans are kept). Missing keys
#: show as empty cells.
Row: TypeAlias = Mapping[str, Any]
RowsInput: TypeAlias = Mapping[str, Row] | Iterable[tuple[str, Row]]


def default_format(value: Any) -> str:
    """Display text for a raw value when the column has no formatter."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def text_width(text: str) -> int:
    """Width of `text` in terminal cells (fast path for ASCII)."""
    return len(text) if text.isascii() else cell_len(text)


class Entry:
    """One stored row, formatted once per change (see `build_entries`).

    A new `Entry` replaces the old one whenever the row's data changes, so the
    identity of an entry doubles as its revision.

    Attributes:
        key: The row key.
        raw: A copy of the row as given (compared on the next refresh).
        texts: Display text per column.
        tones: Tone per column ("" for none), or None if no column has tones.
        sorts: Sort value per column.
        rich: The Rich `Text` per column (None where the cell is plain), or
            None if the row has no Rich cells.
        widths: Cell width of each text.
    """

    __slots__ = ("key", "raw", "texts", "tones", "sorts", "rich", "widths", "haystack")

    def __init__(
        self,
        key: str,
        raw: dict[str, Any],
        texts: tuple[str, ...],
        tones: tuple[str, ...] | None,
        sorts: tuple[Any, ...],
        rich: tuple[Text | None, ...] | None,
        widths: tuple[int, ...],
    ) -> None:
        self.key = key
        self.raw = raw
        self.texts = texts
        self.tones = tones
        self.sorts = sorts
        self.rich = rich
        self.widths = widths
        self.haystack: str | None = None

    def matches(self, needle: str, column_indexes: Sequence[int] | None) -> bool:
        """True if `needle` (already casefolded) is in the displayed text."""
        if self.haystack is None:
            texts = self.texts
            if column_indexes is not None:
                texts = tuple(texts[index] for index in column_indexes)
            self.haystack = "\x00".join(texts).casefold()
        return needle in self.haystack


class _FormattedColumn(NamedTuple):
    texts: list[str]
    tones: list[str] | None
    sorts: list[Any]
    rich: list[Text | None] | None
    widths: list[int]


def build_entries(items: Sequence[tuple[str, dict[str, Any]]], columns: Sequence[Column]) -> list[Entry]:
    """Format many rows at once.

    Works column by column so that the common cases (all str, or raw values
    through one formatter) run as list comprehensions: 10k rows of 8 columns
    format several times faster than row by row.
    """
    if not items:
        return []
    raws = [raw for _, raw in items]
    formatted = [_format_column(column, [raw.get(column.key) for raw in raws]) for column in columns]
    count = len(items)
    blank_tones = repeat("")
    no_rich = repeat(None)
    tones: Iterable[tuple[str, ...] | None] = (
        (row if any(row) else None for row in zip(*(column.tones or blank_tones for column in formatted)))
        if any(column.tones for column in formatted)
        else repeat(None, count)
    )
    rich: Iterable[tuple[Text | None, ...] | None] = (
        (row if any(row) else None for row in zip(*(column.rich or no_rich for column in formatted)))
        if any(column.rich for column in formatted)
        else repeat(None, count)
    )
    return [
        Entry(key, raw, row_texts, row_tones, row_sorts, row_rich, row_widths)
        for (key, raw), row_texts, row_tones, row_sorts, row_rich, row_widths in zip(
            items,
            zip(*(column.texts for column in formatted)),
            tones,
            zip(*(column.sorts for column in formatted)),
            rich,
            zip(*(column.widths for column in formatted)),
        )
    ]


def _format_column(column: Column, values: list[Any]) -> _FormattedColumn:
    """Texts, tones, sort values and widths for one column's values.

    None always shows as an empty cell; formatters only see other values.
    """
    kinds = set(map(type, values))
    tones: list[str] | None = None
    rich: list[Text | None] | None = None
    formatter = column.formatter or default_format
    if kinds <= {str}:
        texts: list[str] = values
        sorts = values
    elif not any(issubclass(kind, (tuple, Text)) for kind in kinds):
        texts = [
            value if type(value) is str else "" if value is None else formatter(value)
            for value in values
        ]
        sorts = values
    else:
        texts, sorts, tones, rich = [], [], [], []
        for value in values:
            tone = ""
            rich_text = None
            if isinstance(value, tuple):
                shown = value[0]
                tone = value[1] if len(value) > 1 else ""
                sort = value[2] if len(value) > 2 and value[2] is not None else shown
                if tone and tone not in TONES:
                    raise ValueError(f"unknown tone {tone!r}; use one of {sorted(TONES)}")
                text = shown if type(shown) is str else "" if shown is None else formatter(shown)
            elif isinstance(value, Text):
                text = sort = value.plain
                rich_text = value
            else:
                sort = value
                text = value if type(value) is str else "" if value is None else formatter(value)
            texts.append(text)
            sorts.append(sort)
            tones.append(tone)
            rich.append(rich_text)
        if not any(tones):
            tones = None
        if not any(rich):
            rich = None
    joined = "".join(texts)
    if "\n" in joined:
        texts = [text.replace("\n", " ") for text in texts]
    widths = list(map(len, texts)) if joined.isascii() else list(map(text_width, texts))
    return _FormattedColumn(texts, tones, sorts, rich, widths)


def _sort_key(value: Any) -> tuple[int, Any]:
    """Numbers before text (case-insensitive) before anything else."""
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, value.casefold())
    return (2, value)


class ApplyResult(NamedTuple):
    """What `TableModel.apply` changed."""

    added: list[str]
    removed: list[str]
    changed: list[str]
    #: The displayed order changed (rows moved, appeared or disappeared).
    view_changed: bool

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.view_changed)


class TableModel:
    """Keyed rows plus the sorted, filtered view of them.

    `view` is the list of keys in display order; it is replaced (never mutated)
    when it changes, so a caller may keep the previous list to compare.
    """

    def __init__(self, columns: Sequence[Column]) -> None:
        keys = [column.key for column in columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate column keys in {keys}")
        self.columns: tuple[Column, ...] = tuple(columns)
        self._entries: dict[str, Entry] = {}
        self._order: list[str] = []
        self.view: list[str] = []
        self._index: dict[str, int] | None = {}
        self.sort_column: str | None = None
        self.sort_reverse = False
        self.filter_text = ""
        self._needle = ""
        self._filter_indexes: tuple[int, ...] | None = None
        self._histograms: list[dict[int, int]] = [{} for _ in columns]
        self._widths: tuple[int, ...] | None = None

    # ---- reading

    @property
    def total(self) -> int:
        """Number of rows, filtered or not."""
        return len(self._entries)

    @property
    def shown(self) -> int:
        """Number of rows that pass the filter."""
        return len(self.view)

    def entry(self, key: str) -> Entry | None:
        return self._entries.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def index_of(self, key: str | None) -> int | None:
        """Position of `key` in the view, or None if absent or filtered out."""
        if key is None:
            return None
        if self._index is None:
            self._index = {key: index for index, key in enumerate(self.view)}
        return self._index.get(key)

    def column_index(self, column_key: str) -> int:
        for index, column in enumerate(self.columns):
            if column.key == column_key:
                return index
        raise KeyError(column_key)

    @property
    def widths(self) -> tuple[int, ...]:
        """Display width of every column."""
        if self._widths is None:
            self._widths = tuple(
                self._column_width(column, histogram)
                for column, histogram in zip(self.columns, self._histograms)
            )
        return self._widths

    @staticmethod
    def _column_width(column: Column, histogram: dict[int, int]) -> int:
        if column.width is not None:
            return column.width
        content = max(histogram, default=0)
        header = text_width(column.label) + SORT_INDICATOR_WIDTH
        return max(column.min_width, min(column.max_width, max(content, header)))

    # ---- writing

    def apply(self, rows: RowsInput) -> ApplyResult:
        """Replace the rows with `rows`, touching only what differs.

        The order of `rows` is the display order when the table is unsorted.
        """
        items: Mapping[str, Row] = rows if isinstance(rows, Mapping) else dict(rows)
        return self._change(items, None, list(items))

    def update(
        self, rows: Mapping[str, Row], removed: Iterable[str] = (), order: Sequence[str] | None = None
    ) -> ApplyResult:
        """Add or replace `rows` and drop `removed`; every other row stays as it is.

        Costs what changed, not what the table holds. New keys go last in the
        unsorted order unless `order` (every key the table will hold, in the
        order to show them unsorted) says otherwise.
        """
        gone = [key for key in removed if key in self._entries]
        if order is None and (gone or any(key not in self._entries for key in rows)):
            dropped = set(gone)
            kept = [key for key in self._order if key not in dropped] if dropped else self._order
            order = kept + [key for key in rows if key not in self._entries]
        return self._change(rows, gone, None if order is None else list(order))

    def _change(self, items: Mapping[str, Row], removed: list[str] | None, order: list[str] | None) -> ApplyResult:
        """Store `items`, drop `removed` (None: every key not in `items`) and
        take `order` as the unsorted order (None: unchanged)."""
        entries = self._entries
        added: list[str] = []
        changed: list[str] = []
        replaced: list[Entry] = []
        pending: list[tuple[str, dict[str, Any]]] = []
        for key, row in items.items():
            old = entries.get(key)
            if old is None:
                added.append(key)
                pending.append((key, dict(row)))
            elif old.raw != row:
                changed.append(key)
                replaced.append(old)
                pending.append((key, dict(row)))
        new_entries = build_entries(pending, self.columns)
        for entry in new_entries:
            entries[entry.key] = entry
        if removed is None:
            removed = [key for key in entries if key not in items] if len(entries) != len(items) else []
        self._count_widths(replaced + [entries.pop(key) for key in removed], -1)
        self._count_widths(new_entries, +1)

        reorder = bool(added or removed)
        if order is not None:
            reorder = reorder or (self.sort_column is None and order != self._order)
            self._order = order
        if not reorder and changed:
            reorder = self._view_affected(changed, replaced)
        if reorder:
            old_view = self.view
            self._rebuild_view()
            reorder = self.view != old_view
        return ApplyResult(added, removed, changed, reorder)

    def _count_widths(self, entries: list[Entry], delta: int) -> None:
        """Add (+1) or remove (-1) these entries' cell widths from the
        per-column histograms the column widths come from."""
        if not entries:
            return
        width_rows = [entry.widths for entry in entries]
        for column_index, histogram in enumerate(self._histograms):
            counts = Counter(map(itemgetter(column_index), width_rows))
            for width, count in counts.items():
                total = histogram.get(width, 0) + delta * count
                if total:
                    histogram[width] = total
                else:
                    del histogram[width]
        self._widths = None

    def _view_affected(self, changed: list[str], old: list[Entry]) -> bool:
        """Would rows that changed in place move in, out of, or within the view?"""
        entries = self._entries
        if self.sort_column is not None:
            column = self.column_index(self.sort_column)
            for key, before in zip(changed, old):
                if entries[key].sorts[column] != before.sorts[column]:
                    return True
        if self._needle:
            needle, indexes = self._needle, self._filter_indexes
            for key, before in zip(changed, old):
                if entries[key].matches(needle, indexes) != before.matches(needle, indexes):
                    return True
        return False

    def set_sort(self, column_key: str | None, reverse: bool = False) -> None:
        """Sort by a column (None: the order rows were given in)."""
        if column_key is not None:
            self.column_index(column_key)
        self.sort_column = column_key
        self.sort_reverse = reverse if column_key is not None else False
        self._rebuild_view()

    def set_filter(self, text: str, column_keys: Sequence[str] | None = None) -> None:
        """Show only rows whose displayed text contains `text` (any case)."""
        indexes = (
            None
            if column_keys is None
            else tuple(self.column_index(key) for key in column_keys)
        )
        if indexes != self._filter_indexes:
            self._filter_indexes = indexes
            for entry in self._entries.values():
                entry.haystack = None
        self.filter_text = text
        self._needle = text.strip().casefold()
        self._rebuild_view()

    def _rebuild_view(self) -> None:
        entries = self._entries
        keys: list[str] = self._order
        if self._needle:
            needle, indexes = self._needle, self._filter_indexes
            keys = [key for key in keys if entries[key].matches(needle, indexes)]
        if self.sort_column is not None:
            keys = self._sorted(keys)
        elif keys is self._order:
            keys = list(keys)
        self.view = keys
        self._index = None

    def _sorted(self, keys: list[str]) -> list[str]:
        """Stable, deterministic order: ties fall back to the row key and
        empty values (None or "") always go last, whatever the direction."""
        column = self.column_index(self.sort_column or "")
        entries = self._entries
        values = [entries[key].sorts[column] for key in keys]
        present = [(value, key) for value, key in zip(values, keys) if value is not None and value != ""]
        missing = sorted(key for value, key in zip(values, keys) if value is None or value == "")
        kinds = {type(value) for value, _ in present}
        if kinds <= {str}:
            decorated: list[tuple[Any, str]] = [(value.casefold(), key) for value, key in present]
        elif kinds <= {int, float, bool}:
            decorated = present
        else:
            decorated = [(_sort_key(value), key) for value, key in present]
        try:
            decorated.sort(reverse=self.sort_reverse)
        except TypeError:
            # Values of kinds that do not compare (say a date and a datetime):
            # fall back to comparing their text.
            decorated = [((rank, str(value)), key) for (rank, value), key in decorated]
            decorated.sort(reverse=self.sort_reverse)
        return [key for _, key in decorated] + missing
