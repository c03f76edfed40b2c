// Step ids: GitHub-style heading slugs, made unique with -2, -3 ...

export function slugify(title: string): string {
  return title
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\s-]/gu, '')
    .replace(/\s+/g, '-');
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
