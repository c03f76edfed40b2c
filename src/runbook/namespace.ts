// The top of the {{ path }} namespace (docs/runbook-format.md, "Templating").

/** Run information addressable as run.<field>. */
export const RUN_FIELDS = ['id', 'target', 'started'] as const;

/** Top-level names that action ids cannot take: they belong to variables, run info, the shell and published results. */
export const RESERVED_IDS = ['vars', 'run', 'env', 'probe', 'inventory', 'item'] as const;
