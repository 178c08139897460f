import { execFile } from 'node:child_process'
import path from 'node:path'
import t from 'tap'

t.test('the committed SQL (src/queries) is what the repositories compile now (run npm run sql)', async (t) => {
  const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.resolve('src/cli/sql.ts'), '--check'], (err, _stdout, stderr) =>
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stderr }),
    )
  })
  t.equal(result.stderr, '', 'no file differs')
  t.equal(result.code, 0)
})
