"""Resource groups of :class:`~barrack_tui.api.BarrackClient`, one method per operation.

One module per group; the client imports each on first use (nothing here
imports them, so loading one group never loads the others' models).
"""
