/**
 * The URL of a sibling module of `base` (an `import.meta.url`), with the extension `base`
 * has: `.ts` when running from source, `.js` once compiled to dist/.
 */
export function siblingModule(base: string, name: string): URL {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, base);
}
