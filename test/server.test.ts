import { spawn } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import t from 'tap'
import { testDatabase } from './helper.js'

t.test('SIGTERM closes idle keep-alive sockets, ends the pool and exits 0', async (t) => {
  const url = await testDatabase(t)
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/server.ts')], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', DATABASE_URL: url, DATA_DIR: t.testdir({}), SHUTDOWN_GRACE_MS: '20000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines: string[] = []
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(line)
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
        if (match?.[1]) resolve(match[1])
      }
    })
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${lines.join('\n')}`)))
  })

  // A keep-alive client that stays connected would hold close() up for 72 s without forceCloseConnections.
  const agent = new http.Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  const status = await new Promise<number>((resolve, reject) =>
    http.get(`${address}/readyz`, { agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    }).on('error', reject),
  )
  t.equal(status, 200, 'ready, with a database')

  const started = Date.now()
  child.kill('SIGTERM')
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.equal(code, 0, 'exits cleanly')
  t.ok(Date.now() - started < 15000, 'does not wait for the idle keep-alive socket')
  t.ok(lines.some((l) => l.includes('"msg":"stopped"')), 'logged its orderly stop')
})
