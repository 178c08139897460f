import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'

/** Every relative import between src/ files, as a graph. */
function importGraph(root: string): Map<string, string[]> {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (full.endsWith('.ts')) files.push(full)
    }
  }
  walk(root)
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8')
    const targets = [...text.matchAll(/from '(\.[^']+)'/g)].map((m) =>
      path.join(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')),
    )
    graph.set(
      file,
      targets.filter((target) => files.includes(target)),
    )
  }
  return graph
}

t.test('src imports no cycle, and the domain imports nothing but the domain', async (t) => {
  const root = path.resolve('src')
  const graph = importGraph(root)
  t.ok(graph.size > 60, `${graph.size} files read`)
  const cycles: string[] = []
  const state = new Map<string, 'open' | 'done'>()
  const visit = (file: string, stack: string[]) => {
    state.set(file, 'open')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open')
        cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => path.relative(root, f)).join(' -> '))
      else if (state.get(next) === undefined) visit(next, stack)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file, [])
  t.same(cycles, [], 'no import cycle')
  const domain = path.join(root, 'domain')
  const outward = [...graph].flatMap(([file, targets]) =>
    file.startsWith(domain)
      ? targets
          .filter((d) => !d.startsWith(domain))
          .map((d) => `${path.relative(root, file)} -> ${path.relative(root, d)}`)
      : [],
  )
  t.same(outward, [], 'the domain imports only the domain')
})

/**
 * The layers, lowest first: a file imports its own layer or a lower one, never a higher one (a plugin
 * reaching into a module, or the domain into the database, is an arrow running upward).
 */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['domain'],
  ['db', 'http'],
  ['plugins'],
  ['modules'],
  ['app.ts', 'server.ts', 'worker.ts', 'config.ts', 'logger.ts', 'cli'],
]

t.test('imports run downward only: domain, then db and http, then plugins, then modules, then the app', async (t) => {
  const root = path.resolve('src')
  const layerOf = (file: string) => {
    const top = path.relative(root, file).split(path.sep)[0]!
    const layer = LAYERS.findIndex((names) => names.includes(top))
    return layer === -1 ? LAYERS.length : layer
  }
  const upward = [...importGraph(root)].flatMap(([file, targets]) =>
    targets
      .filter((target) => layerOf(target) > layerOf(file) && path.basename(target) !== 'config.ts')
      .map((target) => `${path.relative(root, file)} -> ${path.relative(root, target)}`),
  )
  t.same(upward, [], 'no import runs up a layer')
})
