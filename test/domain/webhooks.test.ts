import t from 'tap'
import { afterFailure, checkReceiverUrl, delivered, payloadOf } from '../../src/domain/webhooks.js'

const SCHEDULE = [5, 300, 1800, 7200, 18_000, 36_000, 36_000]

t.test('retries: at once, then the schedule, then give up', async (t) => {
  t.same(afterFailure(1, SCHEDULE), { retryInSeconds: 5 }, 'the first attempt failed: again in 5 s')
  t.same(afterFailure(7, SCHEDULE), { retryInSeconds: 36_000 })
  t.same(afterFailure(8, SCHEDULE), { giveUp: true }, 'eight attempts in all, over about 28 hours')
  t.equal(
    SCHEDULE.reduce((a, b) => a + b, 0),
    99_305,
    'the schedule sums to 27.6 hours',
  )
  t.same(afterFailure(2, [1]), { giveUp: true })
})

t.test('what counts as delivered: a 2xx, not a redirect', async (t) => {
  t.ok(delivered(200))
  t.ok(delivered(204))
  t.notOk(delivered(301), 'a redirect is not followed, so it is a failure')
  t.notOk(delivered(410))
  t.notOk(delivered(503))
})

t.test("a receiver URL's form", async (t) => {
  t.ok(checkReceiverUrl('https://warehouse.lincolnshire.gov.uk/hooks/csp', false) instanceof URL)
  t.same(checkReceiverUrl('http://warehouse.lincolnshire.gov.uk/', false), { reason: 'must be https' })
  t.ok(checkReceiverUrl('http://127.0.0.1:8080/hook', true) instanceof URL, 'http to loopback, where allowed')
  t.ok(checkReceiverUrl('http://[::1]:8080/hook', true) instanceof URL)
  t.same(checkReceiverUrl('http://10.0.0.5/', true), { reason: 'must be https (http only to a loopback address)' })
  t.same(checkReceiverUrl('https://user:secret@example.org/', false), { reason: 'must not carry credentials' })
  t.same(checkReceiverUrl('not a url', false), { reason: 'is not an absolute URL' })
})

t.test("Standard Webhooks' payload", async (t) => {
  const body = { roundId: 'r1', period: '2010-Q3' }
  t.same(JSON.parse(payloadOf({ type: 'round.report_issued', occurredAt: new Date('2010-10-21T09:00:00Z'), body })), {
    type: 'round.report_issued',
    timestamp: '2010-10-21T09:00:00.000Z',
    data: body,
  })
})
