// Step ids: GitHub-style heading slugs, made unique with -2, -3 ...

const ASCII = /^[\x20-\x7e]*$/;

export function slugify(title: string): string {
  const lower = title.toLowerCase().trim();
  // Unicode property classes are slow; most headings are ASCII and need only the plain class.
  const kept = ASCII.test(lower)
    ? lower.replace(/[^a-z0-9_ -]/g, '')
    : lower.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\s-]/gu, '');
  return kept.replace(/\s+/g, '-');
}

/** Returns a function that slugs titles, never handing out the same id twice. */
export function slugger(): (title: string, index: number) => string {
  const used = new Set<string>();
  return (title, index) => {
    const base = slugify(title) || `step-${index + 1}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
}
