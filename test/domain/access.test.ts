import t from 'tap'
import { roleAtLeast } from '../../src/domain/access.js'

t.test('roles form a ladder: viewer < officer < admin', async (t) => {
  const cases = [
    ['viewer', 'viewer', true],
    ['viewer', 'officer', false],
    ['officer', 'viewer', true],
    ['officer', 'admin', false],
    ['admin', 'officer', true],
    ['admin', 'admin', true],
  ] as const
  for (const [role, minimum, expected] of cases) t.equal(roleAtLeast(role, minimum), expected, `${role} >= ${minimum}`)
})
