import t from 'tap'
import { addressRefusal } from '../../../src/modules/webhooks/egress.js'

t.test('addresses a receiver may not be at', async (t) => {
  const policy = { allowLoopback: false, allowedNetworks: ['10.20.0.0/16'], timeoutMs: 1000 }
  for (const address of [
    '10.0.0.5',
    '169.254.169.254',
    '192.168.1.1',
    '172.16.0.1',
    '100.64.0.1',
    'fd00::1',
    'fe80::1',
  ])
    t.match(addressRefusal(policy, address), /private or special-purpose/, address)
  t.match(addressRefusal(policy, '::ffff:169.254.169.254'), /private/, 'IPv4 written as IPv6 is judged as IPv4')
  t.match(addressRefusal(policy, '127.0.0.1'), /loopback/)
  t.equal(addressRefusal(policy, '10.20.3.4'), undefined, 'an allowed network')
  t.equal(addressRefusal(policy, '81.2.69.160'), undefined, 'a public address')
  t.equal(addressRefusal({ ...policy, allowLoopback: true }, '127.0.0.1'), undefined)
})
