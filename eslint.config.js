import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test/contract/.generated/', '.data/', '.tap/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The domain core is pure: no framework, database or I/O.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'fastify*',
            '@fastify/*',
            'kysely*',
            'pg',
            'node:fs*',
            '**/modules/**',
            '**/plugins/**',
            '**/db/**',
            '**/http/**',
            '**/cli/**',
          ],
        },
      ],
    },
  },
  {
    // Migrations are frozen in time and never depend on application code.
    files: ['migrations/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['../src/*', '**/src/**'] }] },
  },
  {
    // Values reach SQL as bound parameters; sql.raw would splice input into the statement.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='sql'][property.name='raw']",
          message: 'sql.raw splices text into SQL; bind values instead.',
        },
      ],
    },
  },
)
