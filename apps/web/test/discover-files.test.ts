import { describe, expect, it } from 'vitest';
import { discoverPages, discoverRoutes } from './discover';
import { pageUrlsFromFiles, routeMethodsFromFiles } from './discover-files';

describe('file-only discovery (for e2e)', () => {
  it('reads the same methods and pages as the importing discovery', async () => {
    const imported = (await discoverRoutes()).map((r) => `${r.method} ${r.urlPattern}`);
    expect(routeMethodsFromFiles().map((r) => `${r.method} ${r.urlPattern}`)).toEqual(imported);
    expect(pageUrlsFromFiles()).toEqual(discoverPages().map((p) => p.urlPattern));
  });
});
