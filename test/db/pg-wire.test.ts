import pg from 'pg'
import t from 'tap'
import { assertPgInternals } from '../../src/db/pg-wire.js'

t.test('the pg internals the tenant wire relies on are there; without one, start-up says which', async (t) => {
  t.doesNotThrow(() => assertPgInternals(), 'the pinned pg has them all')
  const proto = pg.Query.prototype as unknown as Record<string, unknown>
  const kept = proto.handleDataRow
  delete proto.handleDataRow
  try {
    t.throws(() => assertPgInternals(), {
      message: /pg 8\.\d+\.\d+ lacks the internals src\/db\/pg-wire\.ts relies on: handleDataRow/,
    })
  } finally {
    proto.handleDataRow = kept
  }
})
