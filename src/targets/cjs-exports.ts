// esbuild's code-split bundle (scripts/build.mjs) hands import() of a CommonJS package over as
// { default: module.exports } only, while plain Node (the tests run from src/) also gives its named
// exports: the object that holds the export named `name`, either way.
export function cjsExports<T extends object>(imported: T, name: string): T {
  return name in imported ? imported : (imported as { default: T }).default;
}
