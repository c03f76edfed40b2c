/** One shell word holding exactly text (POSIX single quotes). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
