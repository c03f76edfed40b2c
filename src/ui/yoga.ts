// The bundled CLI's `yoga-layout` (scripts/build-options.mjs points Ink's imports here): the same Yoga,
// loaded without a detour that cost the first frame 25–70 ms. yoga-layout's Emscripten loader fetch()es its
// inlined wasm (a data: URL) whenever a global fetch exists, and on Node that first call loads undici and
// decodes the 90 KB through it; with no fetch it decodes the same base64 with atob. The loader looks for
// fetch synchronously inside loadYoga(), so fetch is absent only for that call: no other code can run
// before it is put back.
import { loadYoga } from 'yoga-layout/load';

export * from 'yoga-layout/load';

function loadWithoutFetch(): ReturnType<typeof loadYoga> {
  const fetch = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  try {
    return loadYoga();
  } finally {
    if (fetch) Object.defineProperty(globalThis, 'fetch', fetch);
    else Reflect.deleteProperty(globalThis, 'fetch');
  }
}

const Yoga = await loadWithoutFetch();
export default Yoga;
