// Ink draws only the last frame when the environment says CI (its is-in-ci check, read once at import). The
// TUI runs only when stdout is a terminal a person is watching, so it must draw every frame even where CI is
// set (a runner's web terminal, tmux inside a CI job). Imported by run-tui.tsx before ink.
for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) {
  if (name in process.env) process.env[name] = 'false';
}
