// Every bare import in packages/*/src is declared in its package's package.json (scripts/check-deps.js).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface Undeclared {
  pkg: string;
  manifest: string;
  module: string;
  dev: boolean;
  files: string[];
}

// Plain JavaScript shared with the command line (`node scripts/check-deps.js`).
const checkDeps = require('../../../scripts/check-deps.js') as {
  undeclaredImports(root?: string): Undeclared[];
  suggestedRange(name: string, root?: string): string | undefined;
};

it('finds no import that the importing package does not declare', () => {
  const problems = checkDeps.undeclaredImports();
  const described = problems.map((p) => `${p.manifest}: ${p.module} → ${p.dev ? 'devDependencies' : 'dependencies'} "${checkDeps.suggestedRange(p.module) ?? '?'}" (${p.files[0]})`);
  expect(described).toEqual([]);
});

describe('the check itself', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'check-deps-'));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write('package.json', JSON.stringify({ dependencies: { 'left-pad': '^1.3.0' } }));
    write('packages/a/package.json', JSON.stringify({ name: '@tidegate/a', dependencies: { declared: '^1.0.0' }, devDependencies: { 'dev-only': '^2.0.0' } }));
    write(
      'packages/a/src/index.ts',
      [
        "import * as fs from 'node:fs';",
        "import { join } from 'path';",
        "import { x } from './local';",
        "import { y } from '@tidegate/a';",
        "import { d } from 'declared/sub/path';",
        "import type { T } from '@scope/typed/deep';",
        'export {',
        '  z,',
        "} from 'left-pad';",
        "const lazy = () => import('lazy-module');",
        "const old = require('required-module');",
        "// import { nope } from 'commented-out';",
        "/** Example: `import { e } from 'in-a-doc-comment'` */",
        "import { dev } from 'dev-only';",
      ].join('\n'),
    );
    write('packages/a/src/thing.test.ts', "import { dev } from 'dev-only';\nimport { t } from 'test-only';\n");
    write('packages/a/src/test-support/helper.ts', "import { h } from 'helper-only';\n");
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reports bare imports missing from package.json, and whether only tests use them', () => {
    const found = checkDeps.undeclaredImports(root).map(({ module, dev, files }) => ({ module, dev, files }));
    expect(found).toEqual([
      { module: '@scope/typed', dev: false, files: ['packages/a/src/index.ts'] },
      // A devDependency is not enough for code that ships.
      { module: 'dev-only', dev: false, files: ['packages/a/src/index.ts'] },
      { module: 'helper-only', dev: true, files: ['packages/a/src/test-support/helper.ts'] },
      { module: 'lazy-module', dev: false, files: ['packages/a/src/index.ts'] },
      { module: 'left-pad', dev: false, files: ['packages/a/src/index.ts'] },
      { module: 'required-module', dev: false, files: ['packages/a/src/index.ts'] },
      { module: 'test-only', dev: true, files: ['packages/a/src/thing.test.ts'] },
    ]);
  });

  it('suggests the range the repository already uses', () => {
    expect(checkDeps.suggestedRange('left-pad', root)).toBe('^1.3.0');
    expect(checkDeps.suggestedRange('dev-only', root)).toBe('^2.0.0');
    expect(checkDeps.suggestedRange('@tidegate/anything', root)).toBe('0.1.0');
    expect(checkDeps.suggestedRange('nowhere', root)).toBeUndefined();
  });
});
