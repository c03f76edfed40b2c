// Column widths of the main screen, shared by the App (which lays the panes out) and the views that draw
// to a width (charts), so both agree without measuring.

/** The step list's width: a third of the terminal, between 28 and 44 columns. */
export function stepListWidth(columns: number): number {
  return Math.max(28, Math.min(44, Math.floor(columns * 0.32)));
}

/** Columns inside the detail pane (borders and padding excluded) for an action's result. */
export function resultWidth(columns: number): number {
  // Pane border and padding: 2 + 2; ActionView's result indent: 2.
  return Math.max(30, columns - stepListWidth(columns) - 6);
}
