// React picks its development or production build when first loaded, from NODE_ENV. The development build
// re-checks every render and is several times slower, so the TUI runs the production build unless the
// environment asks otherwise (vitest sets NODE_ENV=test). Imported first by run-tui.tsx, before ink/react.
process.env.NODE_ENV ??= 'production';
