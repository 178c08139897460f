import t from 'tap'
import { mulberry32, startService, type Service } from '../helper.js'
import { faultDatabase } from './harness.js'

/**
 * Crash consistency (npm run test:faults): 20 rounds of a 20,000-row bulk import, each SIGKILLed at a
 * random point (seeded), restarted and replayed with the same Idempotency-Key.
 * Pass, every round: straight after the restart the table holds either all of the previous round's
 * values or all of this round's, never a mix (nothing half-written), and all of this round's if the
 * import had been acknowledged (nothing acknowledged lost); after the replay it equals this round's
 * import exactly.
 */
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20)
const INDICATORS = 5
const AREAS = 20
const MONTHS = 200
const ROWS = INDICATORS * AREAS * MONTHS

t.test(`crash consistency: ${ROUNDS} bulk imports of ${ROWS} rows killed at random points and replayed`, async (t) => {
  const db = await faultDatabase(t)
  const dataDir = t.testdir({})
  let service: Service = await startService(t, db.url, dataDir)
  const call = async (auth: string, route: string, body: unknown) => {
    const res = await fetch(`${service.address}${route}`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`)
    return ((await res.json()) as { id: string }).id
  }
  await call(await service.bearer({ superadmin: true }), '/partnerships', { slug: 'crash', name: 'Crash CSP' })
  const admin = await service.bearer({ memberships: [{ partnership: 'crash', role: 'admin' }] })
  const indicators: string[] = []
  const areas: string[] = []
  for (let i = 0; i < INDICATORS; i++)
    indicators.push(
      await call(admin, '/partnerships/crash/indicators', {
        reference: `C${i}`,
        name: `Crime ${i}`,
        unit: 'count',
        polarity: 'lower_better',
        frequency: 'monthly',
        aggregation: 'sum',
      }),
    )
  for (let a = 0; a < AREAS; a++)
    areas.push(await call(admin, '/partnerships/crash/areas', { name: `Ward ${a}`, type: 'ward', code: `W${a}` }))
  const months = Array.from(
    { length: MONTHS },
    (_, m) => `${2000 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`,
  )

  const valueOf = (round: number, i: number, a: number, m: number) => (round * 31 + i * 7 + a * 3 + m) % 997
  const csvFor = (round: number) => {
    const lines = ['indicator,area,period,value']
    for (let i = 0; i < INDICATORS; i++)
      for (let a = 0; a < AREAS; a++)
        for (let m = 0; m < MONTHS; m++)
          lines.push(`${indicators[i]},${areas[a]},${months[m]},${valueOf(round, i, a, m)}`)
    return `${lines.join('\n')}\n`
  }
  const key = (i: string, a: string, p: string) => `${i}|${a}|${p}`
  const expected = (round: number) => {
    const map = new Map<string, number>()
    for (let i = 0; i < INDICATORS; i++)
      for (let a = 0; a < AREAS; a++)
        for (let m = 0; m < MONTHS; m++) map.set(key(indicators[i]!, areas[a]!, months[m]!), valueOf(round, i, a, m))
    return map
  }
  /** How many rows of the table hold the given round's values, and how many rows there are. */
  const matching = async (round: number) => {
    const want = expected(round)
    const rows = await db.query<{ indicator_id: string; area_id: string; period: string; value: string }>(
      `select indicator_id, area_id, period, value from measurement`,
    )
    return {
      rows: rows.length,
      matching: rows.filter((r) => want.get(key(r.indicator_id, r.area_id, r.period)) === Number(r.value)).length,
    }
  }
  const send = (round: number, signal?: AbortSignal) =>
    fetch(`${service.address}/partnerships/crash/measurements/bulk`, {
      method: 'POST',
      headers: { authorization: admin, 'content-type': 'text/csv', 'idempotency-key': `crash-round-${round}` },
      body: csvFor(round),
      ...(signal ? { signal } : {}),
    })

  // Round 0 is a clean import, and times one, so kills can be spread over an import's whole life.
  const started = performance.now()
  const first = await send(0)
  t.equal(first.status, 200, 'the clean import')
  await first.arrayBuffer()
  const importMs = performance.now() - started
  t.same(await matching(0), { rows: ROWS, matching: ROWS })

  const random = mulberry32(20261125)
  const tally = { acknowledged: 0, killedBefore: 0, halfWritten: 0, lost: 0, replayed: 0, compared: 0 }
  for (let round = 1; round <= ROUNDS; round++) {
    const killAfter = Math.floor(random() * importMs * 1.3)
    let acknowledged = false
    const inFlight = send(round).then(
      async (res) => {
        await res.arrayBuffer()
        acknowledged = res.status === 200
      },
      () => {},
    )
    await new Promise((r) => setTimeout(r, killAfter))
    await service.kill('SIGKILL')
    await inFlight
    if (acknowledged) tally.acknowledged++
    else tally.killedBefore++

    service = await startService(t, db.url, dataDir)
    const afterCrash = await matching(round)
    const previous = await matching(round - 1)
    const whole = afterCrash.matching === ROWS || previous.matching === ROWS
    if (!whole) tally.halfWritten++
    if (acknowledged && afterCrash.matching !== ROWS) tally.lost++
    t.ok(
      whole && afterCrash.rows === ROWS,
      `round ${round}, killed after ${killAfter} ms (${acknowledged ? 'acknowledged' : 'not acknowledged'}): after the crash ${afterCrash.matching} rows of this round, ${previous.matching} of the last`,
    )

    const replay = await send(round)
    const answer = (await replay.json()) as { received?: number }
    if (replay.headers.get('idempotent-replayed') === 'true') tally.replayed++
    t.equal(replay.status, 200, `round ${round}: the replay succeeds`)
    t.equal(answer.received, ROWS)
    const final = await matching(round)
    tally.compared += final.rows
    t.same(final, { rows: ROWS, matching: ROWS }, `round ${round}: the table equals one clean import`)
  }
  t.comment(
    `rounds ${ROUNDS}, ${ROWS} rows each, import ~${importMs.toFixed(0)} ms; killed before the answer ${tally.killedBefore}, after ${tally.acknowledged}; replays answered from the stored result ${tally.replayed}; half-written ${tally.halfWritten}; acknowledged and lost ${tally.lost}; rows compared ${tally.compared}`,
  )
  t.equal(tally.halfWritten + tally.lost, 0)
  await service.kill('SIGTERM')
})
