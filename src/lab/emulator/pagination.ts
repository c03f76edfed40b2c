import { unprocessable } from './errors.js';

const defaultPerPage = 20;
const maxPerPage = 200;

export interface Page<T> {
  items: T[];
  links: { pages?: Record<string, string> };
  meta: { total: number };
}

function positiveInteger(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw unprocessable(name, `must be a positive integer, got "${text}"`);
  return Number(text);
}

/**
 * Slices a list the way the API does: `page` from 1, `per_page` up to 200 (larger values are capped, as the
 * real API caps them), `links.pages` with first/prev/next/last as absolute URLs keeping the other filters.
 */
export function paginate<T>(items: readonly T[], query: URLSearchParams, pageUrl: string): Page<T> {
  const page = positiveInteger(query, 'page', 1);
  const perPage = Math.min(positiveInteger(query, 'per_page', defaultPerPage), maxPerPage);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const link = (target: number): string => {
    const params = new URLSearchParams(query);
    params.set('page', String(target));
    params.set('per_page', String(perPage));
    return `${pageUrl}?${params.toString()}`;
  };
  const pages: Record<string, string> = {};
  if (page > 1) {
    pages.first = link(1);
    pages.prev = link(Math.min(page - 1, lastPage));
  }
  if (page < lastPage) {
    pages.next = link(page + 1);
    pages.last = link(lastPage);
  }
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    links: Object.keys(pages).length > 0 ? { pages } : {},
    meta: { total: items.length },
  };
}
