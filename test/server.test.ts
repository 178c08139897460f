import http from 'node:http'
import t from 'tap'
import { startService, testDatabase } from './helper.js'

t.test('SIGTERM closes idle keep-alive sockets, ends the pool and exits 0', async (t) => {
  const url = await testDatabase(t)
  const service = await startService(t, url, t.testdir({}), { SHUTDOWN_GRACE_MS: '20000' })
  const { address } = service

  // A keep-alive client that stays connected would hold close() up for 72 s without forceCloseConnections.
  const agent = new http.Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  const status = await new Promise<number>((resolve, reject) =>
    http
      .get(`${address}/readyz`, { agent }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      .on('error', reject),
  )
  t.equal(status, 200, 'ready, with a database')

  const started = Date.now()
  t.equal(await service.kill('SIGTERM'), 0, 'exits cleanly')
  t.ok(Date.now() - started < 15000, 'does not wait for the idle keep-alive socket')
  t.ok(
    service.lines.some((l) => l.includes('"msg":"stopped"')),
    'logged its orderly stop',
  )
})
