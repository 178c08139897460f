import { parse } from 'csv-parse/sync'
import t from 'tap'
import { buildTestApp, partnershipClient, seedPartnerships, type TestApp } from '../../helper.js'

/**
 * A partnership with seed 002's process: a delivery group (Dora), the Performance Group (Pat), the
 * partnership's officers in its Strategic Groups (a chair, a vice chair, a designated officer, and Tess who
 * holds two offices in a second one), an officer who applies (Ollie), and one stream with two lines.
 */
async function setUp(ctx: TestApp) {
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  const police = await post('agencies', { name: 'Leicestershire Police', role: 'responsible_authority' })
  const group = async (name: string, kind: string, members: Array<[string, string[]]>) => {
    const g = await post('groups', { name, kind })
    for (const [subject, offices] of members)
      await post(`groups/${g.id}/members`, { subject, offices, startsOn: '2000-01-01', name: subject })
    return g
  }
  const delivery = await group('Reducing Offending Delivery Group', 'delivery', [['dora', ['chair']]])
  await group('Performance Group', 'performance', [['pat', []]])
  await group('Partnership Board', 'strategic', [
    ['carl', ['chair']],
    ['vic', ['vice_chair']],
    ['dee', ['designated_officer']],
  ])
  // An office has one holder in a group on any day: Tess holds hers in a second strategic group.
  await group('Safer Communities Board', 'strategic', [['tess', ['chair', 'designated_officer']]])
  const stream = await post('funding-streams', {
    name: 'Safer and Stronger Communities Fund',
    funder: 'LAA Area Based Grant',
    financialYear: 'FY2010-11',
    totalPence: 1000000,
    accountableBody: 'Charnwood Borough Council',
  })
  const line = await post(`funding-streams/${stream.id}/allocations`, {
    description: 'Mobile CCTV',
    amountPence: 700000,
  })
  const contingency = await post(`funding-streams/${stream.id}/allocations`, {
    description: 'Contingency fund',
    amountPence: 300000,
    contingency: true,
  })
  const as = (sub: string, role: 'viewer' | 'officer' = 'viewer') => ctx.as(role, 'alpha', { sub })
  const people = {
    ollie: await as('ollie', 'officer'),
    olga: await as('olga', 'officer'),
    dora: await as('dora'),
    pat: await as('pat'),
    carl: await as('carl'),
    vic: await as('vic'),
    dee: await as('dee'),
    tess: await as('tess'),
    nobody: await as('nobody'),
  }
  const bid = async (amountPence: number, extra: object = {}) =>
    post(
      'bids',
      { allocationId: line.id, amountPence, title: `Bid for ${amountPence}`, groupId: delivery.id, ...extra },
      people.ollie,
    )
  const step = (id: string, action: string, who: Record<string, string>, payload: object = {}) =>
    call('POST', `bids/${id}/${action}`, who, payload)
  const supported = async (amountPence: number, extra: object = {}) => {
    const b = await bid(amountPence, extra)
    await step(b.id, 'submit', people.ollie)
    await step(b.id, 'support', people.dora)
    return b
  }
  return { admin, call, post, police, delivery, stream, line, contingency, people, bid, step, supported }
}

t.test(
  'over the threshold: applicant, delivery group, Performance Group; returns, rejections, withdrawals',
  async (t) => {
    const ctx = await buildTestApp(t)
    const s = await setUp(ctx)
    const { people, step } = s

    const bid = await s.bid(150000)
    t.match(bid, { state: 'draft', applicant: 'ollie', streamId: s.stream.id, route: 'performance_group' })
    t.same(bid.allowedActions, ['submit', 'withdraw'])
    t.equal((await step(bid.id, 'submit', people.olga)).statusCode, 403, 'only the applicant submits')
    t.equal((await step(bid.id, 'support', people.dora)).statusCode, 409, 'a draft cannot be supported')
    const submitted = await step(bid.id, 'submit', people.ollie)
    t.match(submitted.json(), { bid: { state: 'submitted' }, decision: { stage: 'applicant', actor: 'ollie' } })
    const outsider = await step(bid.id, 'support', people.pat)
    t.equal(outsider.statusCode, 403, 'only the delivery group supports it')
    t.equal(outsider.json().code, 'BID.NOT_DECIDER')
    t.match((await step(bid.id, 'support', people.dora)).json(), {
      bid: { state: 'supported' },
      decision: { stage: 'delivery_group', offices: ['chair'], groupId: s.delivery.id },
    })
    t.equal((await step(bid.id, 'approve', people.carl)).statusCode, 403, 'over £1,000 the officers do not decide')
    const approved = await step(bid.id, 'approve', people.pat)
    t.match(approved.json(), {
      bid: { state: 'approved', evaluationDueOn: '2011-03-31', allowedActions: [] },
      decision: { stage: 'performance_group', fromState: 'supported', toState: 'approved', amountPence: 150000 },
    })
    const again = await step(bid.id, 'approve', people.pat)
    t.equal(again.statusCode, 409)
    t.match(again.json(), {
      code: 'BID.TRANSITION',
      detail: /approved bid cannot be approved; its decision is final/,
      allowed: [],
    })
    t.equal((await step(bid.id, 'withdraw', people.ollie)).statusCode, 409, 'nor withdrawn after approval')

    // Returned for revision, edited and resubmitted: the history stays.
    const revised = await s.bid(120000)
    await step(revised.id, 'submit', people.ollie)
    t.equal((await step(revised.id, 'return', people.dora)).json().code, 'BID.REASON', 'a return needs a reason')
    t.match((await step(revised.id, 'return', people.dora, { reason: 'Add the costings' })).json(), {
      bid: { state: 'returned' },
    })
    const edited = await s.call(
      'PATCH',
      `bids/${revised.id}`,
      { ...people.ollie, 'if-match': '*' },
      { amountPence: 110000 },
    )
    t.match(edited.json(), { amountPence: 110000, state: 'returned' }, 'a returned bid is edited by its applicant')
    const stale = await s.call('PATCH', `bids/${bid.id}`, { ...people.ollie, 'if-match': '*' }, { amountPence: 1 })
    t.equal(stale.statusCode, 409, 'an approved bid is not edited')
    await step(revised.id, 'submit', people.ollie)
    await step(revised.id, 'support', people.dora)
    const noReason = await step(revised.id, 'reject', people.pat)
    t.equal(noReason.statusCode, 422)
    const rejected = await step(revised.id, 'reject', people.pat, { reason: 'Duplicates police funding' })
    t.match(rejected.json(), {
      bid: { state: 'rejected' },
      decision: { stage: 'performance_group', reason: 'Duplicates police funding' },
      inform: [{ subject: 'dora', name: 'dora' }],
    })
    const history = (await s.call('GET', `bids/${revised.id}/decisions`, people.nobody)).json().items
    t.same(
      history.map((d: { action: string; toState: string }) => `${d.action}:${d.toState}`),
      ['submit:submitted', 'return:returned', 'submit:submitted', 'support:supported', 'reject:rejected'],
      'every step kept',
    )
    // Paged as every list is: two at a time, the same steps in the same order.
    const paged: string[] = []
    let cursor: string | null = null
    do {
      const res: Awaited<ReturnType<typeof s.call>> = await s.call(
        'GET',
        `bids/${revised.id}/decisions?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
        people.nobody,
      )
      paged.push(...res.json().items.map((d: { id: string }) => d.id))
      cursor = res.json().nextCursor
    } while (cursor !== null)
    t.same(
      paged,
      history.map((d: { id: string }) => d.id),
      'decisions page two at a time',
    )
    const foreign = await s.call('GET', `bids/${revised.id}/decisions?cursor=bm90LWEtY3Vyc29y`, people.nobody)
    t.equal(foreign.statusCode, 400, 'a cursor not given out here is refused')

    const withdrawn = await s.supported(90000)
    t.equal((await step(withdrawn.id, 'withdraw', people.dora)).statusCode, 403, 'only the applicant withdraws')
    t.match((await step(withdrawn.id, 'withdraw', people.ollie)).json(), { bid: { state: 'withdrawn' } })

    const feed = await ctx.as('officer', 'alpha', {
      memberships: [{ partnership: 'alpha', role: 'officer', agency: s.police.id }],
      sub: 'feed',
    })
    t.equal((await step(bid.id, 'approve', feed)).statusCode, 403, 'an agency feed token takes no step')

    // The stage 4 report and the stream statement.
    const today = new Date().toISOString().slice(0, 10)
    const report = await s.call('GET', `reports/funding-decisions?from=${today}&to=${today}`, people.nobody)
    t.equal(report.json().items.length, 11, 'every decision of the day: 3 + 5 + 3')
    t.match(report.json().items[2], {
      bidTitle: 'Bid for 150000',
      groupName: 'Performance Group',
      decision: { action: 'approve', actor: 'pat', amountPence: 150000 },
    })
    const csv = await s.call('GET', `reports/funding-decisions?from=${today}&to=${today}&format=csv`, people.nobody)
    const rows = parse(csv.body, { bom: true }) as string[][]
    t.same(rows[0], [
      'decided_on',
      'recorded_at_utc',
      'bid',
      'bid_id',
      'stage',
      'decision',
      'from',
      'to',
      'by',
      'offices',
      'group',
      'amount',
      'amount_pounds',
      'reason',
    ])
    t.equal(rows[3]![0], today)
    t.match(rows[3]![1], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'a time a spreadsheet reads as one')
    t.same(rows[3]!.slice(2), [
      'Bid for 150000',
      bid.id,
      'performance group',
      'approve',
      'supported',
      'approved',
      'pat',
      '',
      'Performance Group',
      '£1,500',
      '1500.00',
      '',
    ])
    t.equal(
      (await s.call('GET', 'reports/funding-decisions?from=2011-01-02&to=2011-01-01', people.nobody)).statusCode,
      400,
    )

    const statement = (await s.call('GET', `funding-streams/${s.stream.id}/statement`, people.nobody)).json()
    t.match(statement.ledger, {
      amountPence: 1000000,
      allocatedPence: 1000000,
      unallocatedPence: 0,
      committedPence: 150000,
      spentPence: 0,
      remainingPence: 850000,
    })
    t.same(
      statement.bids.map((b: { state: string; count: number; amountPence: number }) => [
        b.state,
        b.count,
        b.amountPence,
      ]),
      [
        ['approved', 1, 150000],
        ['rejected', 1, 110000],
        ['withdrawn', 1, 90000],
      ],
    )
  },
)

t.test('at or under the threshold: the designated officer, chair and vice chair, three different people', async (t) => {
  const ctx = await buildTestApp(t)
  const s = await setUp(ctx)
  const { people, step } = s

  const exact = await s.supported(100000)
  t.equal(exact.route, 'officers', "£1,000.00 takes the officers' route")
  t.equal((await step(exact.id, 'approve', people.pat)).statusCode, 403, 'not the Performance Group')
  t.equal((await step(exact.id, 'approve', people.nobody)).statusCode, 403, 'nor someone holding no office')
  const first = await step(exact.id, 'approve', people.tess)
  t.match(first.json(), {
    bid: { state: 'supported' },
    decision: { stage: 'officers', offices: ['chair', 'designated_officer'] },
  })
  t.equal((await step(exact.id, 'approve', people.tess)).json().code, 'BID.ALREADY_DECIDED', 'once each')
  t.match((await step(exact.id, 'approve', people.vic)).json(), { bid: { state: 'supported' } }, 'Tess counts once')
  t.match((await step(exact.id, 'approve', people.dee)).json(), { bid: { state: 'approved' } }, 'the third person')

  const over = await s.supported(100001)
  t.equal(over.route, 'performance_group', '£1,000.01 goes to the Performance Group')
  t.equal((await step(over.id, 'approve', people.carl)).statusCode, 403)

  // An officer's rejection is referred to the Performance Group, whose decision stands.
  const referred = await s.supported(50000)
  t.match((await step(referred.id, 'reject', people.carl, { reason: 'Poor value' })).json(), {
    bid: { state: 'referred', route: 'officers' },
    decision: { stage: 'officers', toState: 'referred' },
    inform: [],
  })
  t.equal((await step(referred.id, 'approve', people.vic)).statusCode, 403, 'the officers have had their say')
  t.match((await step(referred.id, 'approve', people.pat)).json(), {
    bid: { state: 'approved' },
    decision: { stage: 'performance_group', fromState: 'referred' },
  })
})

t.test(
  'an applicant never decides their own bid: 403 BID.OWN_BID naming the others; a stage with none is blocked',
  async (t) => {
    const ctx = await buildTestApp(t)
    const s = await setUp(ctx)
    const { people, step } = s
    const as = (sub: string) => ctx.as('officer', 'alpha', { sub })
    const dora = await as('dora')
    const pat = await as('pat')
    const tess = await as('tess')
    const apply = (who: Record<string, string>, amountPence: number) =>
      s.post('bids', { allocationId: s.line.id, amountPence, title: 'Own bid', groupId: s.delivery.id }, who)
    const flagsOf = async (id: string) =>
      ((await s.call('GET', `bids/${id}`, people.nobody)).json().flags as Array<{ flag: string }>).map((f) => f.flag)

    // Dora chairs the delivery group alone: her own bid cannot be supported by anyone until someone joins.
    const own = await apply(dora, 150000)
    await step(own.id, 'submit', dora)
    const refused = await step(own.id, 'support', dora)
    t.equal(refused.statusCode, 403, 'the applicant does not support their own bid as a delivery-group member')
    t.match(refused.json(), { code: 'BID.OWN_BID', detail: /besides you they are nobody/ })
    t.ok((await flagsOf(own.id)).includes('no_independent_decider'), 'the bid says its step is blocked')
    await s.post(`groups/${s.delivery.id}/members`, { subject: 'dan', startsOn: '2000-01-01', name: 'Dan' })
    t.notOk((await flagsOf(own.id)).includes('no_independent_decider'), 'unblocked once someone else sits')
    t.match((await step(own.id, 'support', dora)).json(), { code: 'BID.OWN_BID', detail: /Dan/ })
    t.match((await step(own.id, 'support', await as('dan'))).json(), { bid: { state: 'supported' } })

    // Pat is the whole Performance Group: over the threshold, Pat's own bid waits, blocked.
    t.equal((await step(own.id, 'approve', pat)).json().bid.state, 'approved', 'Pat decides bids of others')
    const pats = await apply(pat, 150000)
    await step(pats.id, 'submit', pat)
    await step(pats.id, 'support', dora)
    const self = await step(pats.id, 'approve', pat)
    t.equal(self.statusCode, 403)
    t.equal(self.json().code, 'BID.OWN_BID', 'nor approves it as the Performance Group')
    t.ok((await flagsOf(pats.id)).includes('no_independent_decider'))

    // Tess holds two deciding offices; the other three still cover all three, so her bid is not blocked.
    const tesss = await apply(tess, 50000)
    await step(tesss.id, 'submit', tess)
    await step(tesss.id, 'support', dora)
    t.notOk((await flagsOf(tesss.id)).includes('no_independent_decider'))
    const counted = await step(tesss.id, 'approve', tess)
    t.equal(counted.statusCode, 403, 'nor counts as one of the three officers')
    t.match(counted.json(), {
      code: 'BID.OWN_BID',
      detail: /carl \(chair\).*dee \(designated officer\).*vic \(vice chair\)/,
    })
    for (const who of [people.carl, people.vic]) await step(tesss.id, 'approve', who)
    t.match((await step(tesss.id, 'approve', people.dee)).json(), { bid: { state: 'approved' } })

    // Carl applies: the three offices are still held by three others (Tess as chair, Vic, Dee): not blocked.
    const carls = await apply(await as('carl'), 40000)
    await step(carls.id, 'submit', await as('carl'))
    await step(carls.id, 'support', dora)
    t.notOk((await flagsOf(carls.id)).includes('no_independent_decider'))
    t.equal((await step(carls.id, 'approve', await as('carl'))).json().code, 'BID.OWN_BID')
  },
)

t.test('approvals and allocations never overspend, even at the same moment', async (t) => {
  const ctx = await buildTestApp(t)
  const s = await setUp(ctx)
  const a = await s.supported(200000, { allocationId: s.contingency.id })
  const b = await s.supported(200000, { allocationId: s.contingency.id })
  const answers = await Promise.all([a, b].map((x) => s.step(x.id, 'approve', s.people.pat)))
  t.same(answers.map((r) => r.statusCode).sort(), [200, 409], 'one wins, the other is refused')
  const refusal = answers.find((r) => r.statusCode === 409)!.json()
  t.match(refusal, {
    code: 'FUNDING.INSUFFICIENT',
    detail: '£2,000 would take the allocation "Contingency fund" past its £3,000: £1,000 remains.',
    remainingPence: 100000,
  })
  const statement = (await s.call('GET', `funding-streams/${s.stream.id}/statement`, s.admin)).json()
  const line = statement.allocations.find((x: { description: string }) => x.description === 'Contingency fund')
  t.match(line.ledger, { amountPence: 300000, committedPence: 200000, remainingPence: 100000 }, 'nothing negative')

  const small = await s.post('funding-streams', { name: 'BCU Fund', financialYear: 'FY2010-11', totalPence: 1000 })
  const lines = await Promise.all(
    ['Diversions', 'Community House'].map((description) =>
      s.call('POST', `funding-streams/${small.id}/allocations`, s.admin, { description, amountPence: 600 }),
    ),
  )
  t.same(
    lines.map((r) => r.statusCode).sort(),
    [201, 409],
    'two allocations cannot both take the stream past its total',
  )
  t.equal(lines.find((r) => r.statusCode === 409)!.json().code, 'FUNDING.OVER_TOTAL')
  const shrink = await s.call(
    'PATCH',
    `funding-streams/${small.id}`,
    { ...s.admin, 'if-match': '*' },
    { totalPence: 500 },
  )
  t.equal(shrink.json().code, 'FUNDING.OVER_TOTAL', 'nor can the total shrink below what is allocated')
  const below = await s.call(
    'PATCH',
    `funding-streams/${s.stream.id}/allocations/${s.contingency.id}`,
    { ...s.admin, 'if-match': '*' },
    {
      amountPence: 100000,
    },
  )
  t.equal(below.json().code, 'FUNDING.BELOW_COMMITTED', 'nor an allocation below what approved bids draw')
  const year = await s.call('POST', 'funding-streams', s.admin, { name: 'X', financialYear: '2010-04', totalPence: 1 })
  t.equal(year.json().code, 'FUNDING.YEAR', 'a stream is for a financial year')
})

t.test(
  'after the money: evaluations, the overdue flag on the bid and its agency, payments, mainstreaming',
  async (t) => {
    const ctx = await buildTestApp(t)
    const s = await setUp(ctx)
    const funded = await s.supported(150000, { applicantAgencyId: s.police.id })
    await s.step(funded.id, 'approve', s.people.pat, { evaluationDueOn: '2011-03-31' })
    const flagged = async (asOf: string) =>
      (await s.call('GET', `bids?flag=evaluation_overdue&asOf=${asOf}`, s.people.nobody))
        .json()
        .items.map((b: { id: string }) => b.id)
    t.same(await flagged('2011-03-31'), [], 'not yet overdue on the due date')
    t.same(await flagged('2011-04-01'), [funded.id], 'overdue the day after')

    const next = await s.bid(20000, { applicantAgencyId: s.police.id })
    t.match(
      next.flags,
      [{ flag: 'agency_evaluation_overdue', reason: /has not evaluated "Bid for 150000" \(due 2011-03-31\)/ }],
      "a new bid from the agency shows its deciders the agency's overdue evaluation",
    )
    const early = await s.call('POST', `bids/${next.id}/evaluations`, s.people.ollie, {
      evaluatedOn: '2011-01-01',
      summary: 'x',
    })
    t.equal(early.json().code, 'BID.NOT_FUNDED', 'only funded bids are evaluated')

    const evaluation = await s.call('POST', `bids/${funded.id}/evaluations`, s.people.ollie, {
      evaluatedOn: '2011-05-01',
      summary: 'Cameras deployed at six hot spots.',
      outcomeFigures: ['Criminal damage down 12% in the deployment areas'],
    })
    t.match(evaluation.json(), { author: 'ollie', evaluatedOn: '2011-05-01' })
    t.same(await flagged('2011-04-15'), [funded.id], 'still overdue before the evaluation was made')
    t.same(await flagged('2011-06-01'), [], 'no longer once it is')

    const pay = (amountPence: number) =>
      s.call('POST', `bids/${funded.id}/payments`, s.people.ollie, { paidOn: '2010-10-01', amountPence })
    t.equal((await pay(100000)).statusCode, 201)
    const over = await pay(50001)
    t.equal(over.statusCode, 409, 'payments never pass the amount approved')
    t.equal(over.json().code, 'FUNDING.OVERPAID')
    t.equal((await pay(50000)).statusCode, 201)
    const statement = (await s.call('GET', `funding-streams/${s.stream.id}/statement?format=csv`, s.admin)).body
    const rows = parse(statement, { bom: true }) as string[][]
    t.same(rows, [
      [
        'allocation',
        'contingency',
        'allocated',
        'committed',
        'spent',
        'remaining',
        'allocated_pounds',
        'committed_pounds',
        'spent_pounds',
        'remaining_pounds',
      ],
      ['Mobile CCTV', 'no', '£7,000', '£1,500', '£1,500', '£5,500', '7000.00', '1500.00', '1500.00', '5500.00'],
      ['Contingency fund', 'yes', '£3,000', '£0', '£0', '£3,000', '3000.00', '0.00', '0.00', '3000.00'],
      ['Total', '', '£10,000', '£1,500', '£1,500', '£8,500', '10000.00', '1500.00', '1500.00', '8500.00'],
    ])

    const decided = await s.call('POST', `bids/${funded.id}/mainstreaming`, s.people.ollie, {
      decision: 'mainstream',
      reason: 'The council funds the cameras from 2011/12.',
    })
    t.match(decided.json(), {
      bid: { mainstreaming: 'mainstream' },
      decision: { stage: 'year_end', action: 'mainstream' },
    })
    const unfunded = await s.call('POST', `bids/${next.id}/mainstreaming`, s.people.ollie, {
      decision: 'end',
      reason: 'x',
    })
    t.equal(unfunded.statusCode, 409)
  },
)

t.test(
  "a step says the meeting's day: offices are held on it, the report lists it there, the entry time is kept",
  async (t) => {
    const ctx = await buildTestApp(t)
    const s = await setUp(ctx)
    const { people, step } = s
    const today = new Date().toISOString().slice(0, 10)
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10)
    // Dora's term on the delivery group ended a week ago; Dan sat only from three days ago.
    const member = (await s.call('GET', `groups/${s.delivery.id}/members`, people.nobody)).json().items[0]
    const ended = await s.call(
      'PATCH',
      `groups/${s.delivery.id}/members/${member.id}`,
      { ...s.admin, 'if-match': '*' },
      { endsOn: daysAgo(7) },
    )
    t.equal(ended.statusCode, 200)
    await s.post(`groups/${s.delivery.id}/members`, { subject: 'dan', startsOn: daysAgo(3), name: 'Dan' })
    const dan = await ctx.as('viewer', 'alpha', { sub: 'dan' })

    const bid = await s.bid(150000)
    const submitted = await step(bid.id, 'submit', people.ollie, { decidedOn: daysAgo(20) })
    t.match(submitted.json().decision, { decidedOn: daysAgo(20), recordedAt: new RegExp(`^${today}T`) })

    const late = await step(bid.id, 'support', people.dora)
    t.equal(late.statusCode, 403, 'minuted as of today, after her term ended: she holds no place')
    t.equal(late.json().code, 'BID.NOT_DECIDER')
    const early = await step(bid.id, 'support', people.dora, { decidedOn: daysAgo(25) })
    t.equal(early.statusCode, 422, 'not before the step it follows')
    t.match(early.json(), { code: 'DATE.RANGE', errors: [{ field: 'body.decidedOn' }] })
    const future = await step(bid.id, 'support', people.dora, { decidedOn: daysAgo(-1) })
    t.equal(future.statusCode, 422, 'not after today')
    t.match(future.json(), { code: 'DATE.RANGE', detail: /after today/ })
    t.equal(
      (await step(bid.id, 'support', dan, { decidedOn: daysAgo(10) })).statusCode,
      403,
      'Dan did not sit on the day of that meeting',
    )
    const minuted = await step(bid.id, 'support', people.dora, { decidedOn: daysAgo(10) })
    t.match(minuted.json(), {
      bid: { state: 'supported' },
      decision: { stage: 'delivery_group', actor: 'dora', offices: ['chair'], decidedOn: daysAgo(10) },
    })
    t.match((await step(bid.id, 'approve', people.pat)).json(), { decision: { decidedOn: today } })

    // The stage 4 report runs on the days decisions were taken, not the day they were entered.
    const report = async (from: string, to: string) =>
      (await s.call('GET', `reports/funding-decisions?from=${from}&to=${to}`, people.nobody)).json().items as Array<{
        decision: { action: string; decidedOn: string }
      }>
    t.same(
      (await report(daysAgo(21), daysAgo(8))).map((i) => [i.decision.action, i.decision.decidedOn]),
      [
        ['submit', daysAgo(20)],
        ['support', daysAgo(10)],
      ],
    )
    t.same(
      (await report(today, today)).map((i) => i.decision.action),
      ['approve'],
    )
    const history = (await s.call('GET', `bids/${bid.id}/decisions`, people.nobody)).json().items
    t.same(
      history.map((d: { action: string }) => d.action),
      ['submit', 'support', 'approve'],
      "the bid's history in the order the steps were taken",
    )
  },
)
