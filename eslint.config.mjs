// Lint rules, including the dependency direction from ../shared/DESIGN.md:
// pure folders never import the AWS SDK, middy, aws-lambda types or read process.env;
// lib/ (infrastructure) reads nothing from lambdas/ but contracts/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureRestrictions = {
  patterns: [
    {
      group: ['@aws-sdk/*', '@middy/*', 'aws-lambda', '@aws-lambda-powertools/*'],
      message: 'Pure code: no AWS SDK, middy or Lambda types here (see STYLE.md).',
    },
    {
      group: ['**/adapters/**', '**/http/**', '**/handlers/**', '**/local/**', '**/wiring', '**/config'],
      message: 'Pure code depends on nothing impure.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    files: [
      'lambdas/scim/**',
      'lambdas/tenancy/**',
      'lambdas/events/**',
      'lambdas/contracts/**',
      'lambdas/operations/**',
      'lambdas/sync/**',
    ],
    rules: {
      'no-restricted-imports': ['error', pureRestrictions],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only lambdas/config.ts reads the environment.' },
      ],
    },
  },
  {
    files: ['lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(\\.\\./)*lambdas/(?!contracts/)',
              message: 'lib/ imports nothing from lambdas/ but contracts/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests poke into JSON responses; typing every SCIM body there would add noise, not safety.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
