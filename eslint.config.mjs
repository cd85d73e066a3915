import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Modules that must never reach the browser: the datastore, probes, the alerting
// domain (senders pull in nodemailer), the web app's server code, Node built-ins.
const SERVER_ONLY = [
  /^@pgvigil\/(db|probes|alerting)(\/|$)/,
  /^@\/server\//,
  /^(pg|pg-copy-streams|nodemailer)$/,
  /^node:/,
  /^next\/(headers|server)$/,
];

/** 'use client' files may import only browser-safe modules (types excepted). */
const clientBoundary = {
  meta: {
    type: 'problem',
    messages: {
      serverOnly:
        "'{{source}}' is server-only; a 'use client' file may import only browser-safe modules (@pgvigil/schema, components, react). Pass the data in as props.",
    },
    schema: [],
  },
  create(context) {
    const body = context.sourceCode.ast.body;
    const isClient = body.some(
      (s) => s.type === 'ExpressionStatement' && s.directive === 'use client',
    );
    if (!isClient) return {};
    const check = (node) => {
      if (node.importKind === 'type' || node.exportKind === 'type') return;
      const source = node.source?.value;
      if (typeof source === 'string' && SERVER_ONLY.some((re) => re.test(source)))
        context.report({ node, messageId: 'serverOnly', data: { source } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

const appImports = {
  group: [
    '@pgvigil/alerter',
    '@pgvigil/alerter/*',
    '@pgvigil/collector',
    '@pgvigil/collector/*',
    '@pgvigil/web',
    '@pgvigil/web/*',
  ],
  message:
    'Apps meet only in the datastore: import the package that holds the logic, never an app.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.next/**',
      '**/.next-*/**',
      '**/.turbo/**',
      'dist/**',
      '.pgvigil/**',
      '**/next-env.d.ts',
      'e2e/artifacts/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
      },
    },
    plugins: { pgvigil: { rules: { 'client-boundary': clientBoundary } } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'ImportDeclaration[source.value=/\\/src\\//][source.value=/^\\.\\.\\/\\.\\.\\//]',
          message: 'Import another package through its exports entry, never its src/.',
        },
      ],
      'no-restricted-imports': ['error', { patterns: [appImports] }],
      'pgvigil/client-boundary': 'error',
    },
  },
  {
    // Type-aware rules: a promise is awaited or handled, a switch covers its union.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['**/*.config.ts', '**/*.config.mjs'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
    },
  },
  {
    // The leaf package has no dependencies at all; probes know nothing of the datastore.
    files: ['packages/schema/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^[^.]', message: '@pgvigil/schema imports nothing.' }] },
      ],
    },
  },
  {
    // The alerting package's wire shapes are imported by the browser-safe contract.
    files: ['packages/alerting/src/wire/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|@pgvigil/schema(/|$)|\\.)',
              message: '@pgvigil/alerting/wire is browser-safe: zod and @pgvigil/schema only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The API contract is imported by client components: zod and the leaf package only.
    files: ['apps/web/src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|@pgvigil/schema(/|$)|@pgvigil/alerting/wire$|\\.)',
              message:
                'The API contract is browser-safe: it imports zod, @pgvigil/schema and @pgvigil/alerting/wire only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/probes/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            appImports,
            {
              group: ['@pgvigil/db', '@pgvigil/db/*', '@pgvigil/alerting', '@pgvigil/alerting/*'],
              message: 'packages/probes depends on @pgvigil/schema only, not on the datastore.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks, '@next/next': nextPlugin },
    settings: { next: { rootDir: 'apps/web' } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
    },
  },
  {
    // process.env is read in one validated env.ts per app; scripts and tests set it up.
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'packages/**/*.ts'],
    ignores: ['**/env.ts', '**/*.test.ts', '**/test/**', '**/testing/**', '**/bench/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment in env.ts only.' },
      ],
    },
  },
);
