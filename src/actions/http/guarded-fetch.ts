// fetch for the lab target: every hop (the URL and each redirect) is checked against the lab's reach
// before a socket is opened, so a redirect cannot carry a request off this machine either.
import { checkReach, type HostReach } from '../../targets/host-guard.js';

const MAX_REDIRECTS = 10;

function checkUrl(reach: HostReach, url: URL, method: string): void {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  checkReach(reach, url.hostname, port, `${method} ${url.protocol}//`);
}

export async function guardedFetch(url: string, init: RequestInit, reach: HostReach): Promise<Response> {
  if (reach === 'any') return fetch(url, { ...init, redirect: 'follow' });
  let current = new URL(url);
  let method = init.method ?? 'GET';
  let body = init.body;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    checkUrl(reach, current, method);
    const response = await fetch(current, { ...init, method, body, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !location) return response;
    await response.body?.cancel();
    current = new URL(location, current);
    // As fetch's own redirect handling does: 303, and 301/302 after a POST, continue as a GET.
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      method = 'GET';
      body = undefined;
    }
  }
  throw new Error(`${url}: more than ${MAX_REDIRECTS} redirects`);
}
