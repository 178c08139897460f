import { parse } from 'csv-parse/sync'
import t from 'tap'
import { buildTestApp, partnershipClient, seedPartnerships, type TestApp } from '../../helper.js'

async function setUp(ctx: TestApp) {
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const jo = await ctx.as('officer', 'alpha', { sub: 'jo' })
  const sam = await ctx.as('officer', 'alpha', { sub: 'sam' })
  const { call, post } = partnershipClient(ctx, 'alpha', jo)
  const police = await post('agencies', { name: 'Lincolnshire Police', role: 'responsible_authority' }, admin)
  const priority = await post('priorities', { name: 'Partnership working', code: 'P0' }, admin)
  const action = await post('actions', { priorityId: priority.id, title: 'Terms of reference' })
  const assess = (riskId: string, assessedOn: string, current: [number, number], inherent: [number, number] = [3, 4]) =>
    post(`risks/${riskId}/assessments`, {
      assessedOn,
      inherentLikelihood: inherent[0],
      inherentImpact: inherent[1],
      currentLikelihood: current[0],
      currentImpact: current[1],
    })
  return { admin, jo, sam, call, post, police, priority, action, assess }
}

t.test('assessments are append-only: a mistake is withdrawn with a reason by its assessor, never edited', async (t) => {
  const ctx = await buildTestApp(t)
  const s = await setUp(ctx)
  const risk = await s.post('risks', { reference: 'CSP1', title: 'Lack of funding and resources' })
  t.match(risk, { currentScore: 0, reviewIntervalMonths: 6, view: { trend: 'unassessed', current: null } })
  const first = await s.assess(risk.id, '2010-05-31', [2, 4])
  t.match(first, {
    assessor: 'jo',
    likelihoodLevels: 4,
    impactLevels: 4,
    inherentScore: 12,
    currentScore: 8,
    targetScore: null,
    withdrawnAt: null,
  })
  const wrong = await s.assess(risk.id, '2010-06-30', [3, 4])
  t.equal((await s.call('GET', `risks/${risk.id}`, s.jo)).json().currentScore, 12, 'the latest sets the score')

  const patch = await s.call(
    'PATCH',
    `risks/${risk.id}/assessments/${wrong.id}`,
    { ...s.jo, 'if-match': '*' },
    {
      currentLikelihood: 1,
    },
  )
  t.equal(patch.statusCode, 405, 'there is no editing an assessment')
  t.notMatch(patch.headers.allow, /PATCH/)
  const remove = await s.call('DELETE', `risks/${risk.id}/assessments/${wrong.id}`, { ...s.jo, 'if-match': '*' })
  t.equal(remove.statusCode, 405, 'nor deleting one')
  const other = await s.call('POST', `risks/${risk.id}/assessments/${wrong.id}/withdraw`, s.sam, { reason: 'x' })
  t.equal(other.statusCode, 403, 'another officer may not withdraw it')
  t.equal(other.json().code, 'RISK.NOT_ASSESSOR')
  const withdrawn = await s.call('POST', `risks/${risk.id}/assessments/${wrong.id}/withdraw`, s.jo, {
    reason: 'Scored against the wrong risk',
  })
  t.match(withdrawn.json(), { withdrawnBy: 'jo', withdrawnReason: 'Scored against the wrong risk', version: 2 })
  t.equal((await s.call('GET', `risks/${risk.id}`, s.jo)).json().currentScore, 8, 'the score falls back')
  t.equal(
    (await s.call('POST', `risks/${risk.id}/assessments/${wrong.id}/withdraw`, s.admin, { reason: 'again' }))
      .statusCode,
    409,
    'once only',
  )
  const kept = (await s.call('GET', `risks/${risk.id}/assessments`, s.jo)).json().items
  t.equal(kept.length, 2, 'both are kept')

  const outside = await s.call('POST', `risks/${risk.id}/assessments`, s.jo, {
    assessedOn: '2010-07-31',
    inherentLikelihood: 5,
    inherentImpact: 4,
    currentLikelihood: 2,
    currentImpact: 4,
  })
  t.equal(outside.statusCode, 422, 'the scale in force runs 1-4')
  t.match(outside.json(), { code: 'RISK.SCALE', errors: [{ field: 'body.inherentLikelihood' }] })
  const half = await s.call('POST', `risks/${risk.id}/assessments`, s.jo, {
    assessedOn: '2010-07-31',
    inherentLikelihood: 3,
    inherentImpact: 4,
    currentLikelihood: 2,
    currentImpact: 4,
    targetLikelihood: 1,
  })
  t.equal(half.json().code, 'RISK.ASSESSMENT', 'a target needs both likelihood and impact')
})

t.test('a scale change never strands an assessment; a heat map lists, never drops, a risk off its scale', async (t) => {
  const ctx = await buildTestApp(t)
  const s = await setUp(ctx)
  const settings = (headers: Record<string, string>, body: object) =>
    s.call('PATCH', 'risk-settings', { ...s.admin, 'if-match': '*', ...headers }, body)
  const five = { likelihoodLevels: 5, impactLevels: 5, veryHighFrom: 15, appetite: 10 }
  const four = { likelihoodLevels: 4, impactLevels: 4, veryHighFrom: 12, appetite: 8 }
  t.equal((await settings({}, five)).statusCode, 200)
  const csp2 = await s.post('risks', { reference: 'CSP2', title: 'Data sharing' })
  await s.assess(csp2.id, '2011-01-01', [5, 5], [5, 5])
  const smaller = await s.assess(csp2.id, '2011-02-01', [2, 2], [2, 2])
  const refused = await settings({}, four)
  t.equal(refused.statusCode, 422, 'the 5x5 assessment could become current again: the scale stays')
  t.match(refused.json(), { code: 'RISK.SCALE_IN_USE', detail: /CSP2 \(2011-01-01\)/ })
  const withdrawn = await s.call('POST', `risks/${csp2.id}/assessments/${smaller.id}/withdraw`, s.jo, {
    reason: 'Scored on the wrong risk',
  })
  t.equal(withdrawn.statusCode, 200)
  const map = (await s.call('GET', 'risks/heatmap?asOf=2011-03-01', s.jo)).json()
  t.same(
    map.cells
      .filter((c: { references: string[] }) => c.references.includes('CSP2'))
      .map((c: { score: number }) => c.score),
    [25],
    'the withdrawal makes 5x5 current, and the map still holds it',
  )
  t.same(map.offScale, [])

  // A closed risk does not hold the scale, but past maps still show it: off the smaller scale, named.
  await s.call(
    'PATCH',
    `risks/${csp2.id}`,
    { ...s.jo, 'if-match': '*' },
    { closedOn: '2011-03-31', closedReason: 'Agreed' },
  )
  t.equal((await settings({}, four)).statusCode, 200, 'with CSP2 closed the scale may shrink')
  const past = (await s.call('GET', 'risks/heatmap?asOf=2011-03-01', s.jo)).json()
  t.same(past.offScale, [{ reference: 'CSP2', likelihood: 5, impact: 5, score: 25 }], 'listed off the 4x4 scale')
  t.same((await s.call('GET', 'risks/heatmap?at=2011-03-01', s.jo)).json(), past, 'at, its earlier name, the same')
  const svg = await s.call('GET', 'risks/heatmap.svg?asOf=2011-03-01', s.jo)
  t.match(svg.body, /Off this 4x4 scale: CSP2 \(5x5 = 25\)/)
})

t.test(
  'a scale change is refused while open risks do not fit it, accepted once they do; history keeps its scale',
  async (t) => {
    const ctx = await buildTestApp(t)
    const s = await setUp(ctx)
    const settings = await s.call('GET', 'risk-settings', s.jo)
    t.match(settings.json(), {
      likelihoodLevels: 4,
      impactLevels: 4,
      mediumFrom: 4,
      highFrom: 8,
      veryHighFrom: 12,
      appetite: 8,
      version: 0,
    })
    t.equal(settings.headers.etag, '"0"')
    const risk = await s.post('risks', { reference: 'CSP1', title: 'Lack of funding and resources' })
    await s.assess(risk.id, '2010-06-30', [2, 4])
    const shrink = { impactLevels: 3, mediumFrom: 3, highFrom: 6, veryHighFrom: 9, appetite: 6 }
    const officer = await s.call('PATCH', 'risk-settings', { ...s.jo, 'if-match': '"0"' }, shrink)
    t.equal(officer.statusCode, 403, 'an admin changes the scale')
    const refused = await s.call('PATCH', 'risk-settings', { ...s.admin, 'if-match': '"0"' }, shrink)
    t.equal(refused.statusCode, 422)
    t.match(refused.json(), { code: 'RISK.SCALE_IN_USE', detail: /CSP1 \(2010-06-30\)/ })
    const bad = await s.call(
      'PATCH',
      'risk-settings',
      { ...s.admin, 'if-match': '"0"' },
      { likelihoodLabels: ['Rare'] },
    )
    t.equal(bad.json().code, 'RISK.SCALE', 'a label for each level, or none')

    const grown = await s.call(
      'PATCH',
      'risk-settings',
      { ...s.admin, 'if-match': '"0"' },
      {
        likelihoodLevels: 5,
        impactLevels: 5,
        likelihoodLabels: ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'],
        veryHighFrom: 15,
        appetite: 10,
      },
    )
    t.match(grown.json(), { likelihoodLevels: 5, impactLevels: 5, version: 1 }, 'a larger scale fits')
    t.equal(
      (await s.call('PATCH', 'risk-settings', { ...s.admin, 'if-match': '"0"' }, { appetite: 9 })).statusCode,
      412,
    )
    const later = await s.assess(risk.id, '2010-12-31', [5, 4])
    t.match(later, { likelihoodLevels: 5, currentScore: 20 }, 'new assessments on the new scale')
    const history = (await s.call('GET', `risks/${risk.id}/assessments?sort=assessedOn`, s.jo)).json().items
    t.same(
      history.map((a: { likelihoodLevels: number }) => a.likelihoodLevels),
      [4, 5],
      'the earlier assessment keeps the 1-4 scale it was made on',
    )
    await s.call(
      'PATCH',
      `risks/${risk.id}`,
      { ...s.jo, 'if-match': '*' },
      { closedOn: '2011-01-31', closedReason: 'Funded' },
    )
    const back = await s.call(
      'PATCH',
      'risk-settings',
      { ...s.admin, 'if-match': '"1"' },
      {
        likelihoodLevels: 4,
        impactLevels: 4,
        likelihoodLabels: [],
        veryHighFrom: 12,
        appetite: 8,
      },
    )
    t.equal(back.statusCode, 200, 'with the risk closed, nothing open stands in the way')
    const closed = await s.call('POST', `risks/${risk.id}/assessments`, s.jo, {
      assessedOn: '2011-02-01',
      inherentLikelihood: 1,
      inherentImpact: 1,
      currentLikelihood: 1,
      currentImpact: 1,
    })
    t.equal(closed.json().code, 'RISK.CLOSED')
    const halfClosed = await s.call('PATCH', `risks/${risk.id}`, { ...s.jo, 'if-match': '*' }, { closedReason: null })
    t.equal(halfClosed.json().code, 'RISK.CLOSING', 'closing takes a date and a reason together')
  },
)

t.test(
  'the register: flags at a date, filters, sorting by current score, heat maps with movement, CSV and SVG',
  async (t) => {
    const ctx = await buildTestApp(t)
    const s = await setUp(ctx)
    const funding = await s.post('risks', {
      reference: 'CSP1',
      title: 'Lack of funding and resources',
      ownerAgencyId: s.police.id,
      priorityId: s.priority.id,
      actionIds: [s.action.id],
      priorityActions: ['Prioritise actions in line with funding allocation'],
    })
    const engagement = await s.post('risks', {
      reference: 'CSP2',
      title: 'Lack of effective <partner> engagement & "trust"',
    })
    const publicRisk = await s.post('risks', { reference: 'CSP5', title: 'Failure to engage the public' })
    await s.assess(funding.id, '2010-05-31', [2, 4])
    await s.assess(funding.id, '2010-06-30', [3, 4])
    await s.assess(engagement.id, '2010-05-31', [2, 3], [3, 3])
    await s.assess(engagement.id, '2010-06-30', [2, 2], [3, 3])
    await s.assess(publicRisk.id, '2010-06-30', [1, 1], [3, 1])

    const list = async (query: string) =>
      (await s.call('GET', `risks?${query}`, s.jo)).json().items.map((r: { reference: string }) => r.reference)
    t.same(await list('sort=-currentScore'), ['CSP1', 'CSP2', 'CSP5'], 'by current score')
    t.same(await list('flag=score_rising&asOf=2010-07-01'), ['CSP1'])
    t.same(await list('flag=above_appetite&asOf=2010-07-01'), ['CSP1'], '12 is above the appetite of 8')
    t.same(await list('flag=no_treating_action&asOf=2010-07-01&sort=reference'), ['CSP2', 'CSP5'])
    t.same(await list('flag=review_overdue&asOf=2011-01-01&sort=reference'), ['CSP1', 'CSP2', 'CSP5'], 'six months on')
    t.same(await list('flag=review_overdue&asOf=2010-12-30'), [], 'not before')
    t.same(await list('band=very_high&asOf=2010-07-01'), ['CSP1'])
    t.same(await list('band=very_high&asOf=2010-06-01'), [], 'on 1 June CSP1 stood at 8: high')
    t.same(await list('band=low&asOf=2010-07-01&sort=reference'), ['CSP5'])
    t.same(await list(`priorityId=${s.priority.id}`), ['CSP1'])
    t.same(await list(`ownerAgencyId=${s.police.id}`), ['CSP1'])
    t.same(await list(`actionId=${s.action.id}`), ['CSP1'])
    t.same(await list('q=public'), ['CSP5'])

    const register = (await s.call('GET', 'reports/risk-register?asOf=2010-07-01', s.jo)).json()
    t.same(
      register.items.map((r: { reference: string; view: { trend: string; current: { score: number } } }) => [
        r.reference,
        r.view.current.score,
        r.view.trend,
      ]),
      [
        ['CSP1', 12, 'up'],
        ['CSP2', 4, 'down'],
        ['CSP5', 1, 'new'],
      ],
    )
    const csv = parse((await s.call('GET', 'reports/risk-register?asOf=2010-07-01&format=csv', s.jo)).body, {
      bom: true,
    }) as string[][]
    t.same(csv[0], [
      'reference',
      'risk',
      'owner',
      'assessed_on',
      'inherent',
      'current',
      'target',
      'trend',
      'review_due',
      'flags',
      'priority_actions',
      'status',
    ])
    t.same(csv[1], [
      'CSP1',
      'Lack of funding and resources',
      '',
      '2010-06-30',
      'L3 x I4 = 12 (very high)',
      'L3 x I4 = 12 (very high)',
      '',
      'up',
      '2010-12-30',
      'score_rising\nabove_appetite',
      'Prioritise actions in line with funding allocation',
      'open',
    ])

    const map = (await s.call('GET', 'risks/heatmap?exposure=current&at=2010-06-30&compareTo=2010-05-31', s.jo)).json()
    t.same(
      map.cells
        .filter((c: { references: string[] }) => c.references.length > 0)
        .map((c: { likelihood: number; impact: number; references: string[] }) => [
          c.likelihood,
          c.impact,
          c.references,
        ]),
      [
        [3, 4, ['CSP1']],
        [2, 2, ['CSP2']],
        [1, 1, ['CSP5']],
      ],
    )
    t.same(
      map.movement.map((m: { reference: string; direction: string }) => `${m.reference} ${m.direction}`),
      ['CSP1 up', 'CSP2 down', 'CSP5 new'],
    )
    t.equal((await s.call('GET', 'risks/heatmap?at=2010-05-01&compareTo=2010-06-01', s.jo)).statusCode, 400)

    const svg = await s.call('GET', 'risks/heatmap.svg?exposure=inherent&at=2010-06-30', s.jo)
    t.match(svg.headers['content-type'], /^image\/svg\+xml/)
    t.ok(wellFormed(svg.body), 'the SVG is well-formed XML')
    t.match(svg.body, /very high<\/text>/, 'band names in the cells, for black and white')
    t.match(svg.body, />CSP1<\/text>/)
  },
)

/** Tags balance and every & begins an entity: enough to know a browser will parse it. */
function wellFormed(xml: string): boolean {
  if (!xml.startsWith('<svg') || /&(?!(amp|lt|gt|quot|#\d+);)/.test(xml)) return false
  const stack: string[] = []
  for (const [, close, name, selfClosing] of xml.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing === '/') continue
    if (close === '/') {
      if (stack.pop() !== name) return false
    } else stack.push(name!)
  }
  return stack.length === 0
}

t.test('a reference to nothing is refused in words, never in constraint names', async (t) => {
  const ctx = await buildTestApp(t)
  const s = await setUp(ctx)
  const ABSENT = '00000000-0000-4000-8000-00000000dead'
  const action = await s.call('POST', 'actions', s.jo, { priorityId: ABSENT, title: 'Nowhere' })
  t.equal(action.statusCode, 422)
  t.match(action.json(), {
    detail: 'The priorityId sent names no priority of this partnership.',
    errors: [{ field: 'body.priorityId' }],
  })
  const risk = await s.call('POST', 'risks', s.jo, { reference: 'CSP9', title: 'Orphan', actionIds: [ABSENT] })
  t.equal(risk.statusCode, 422)
  t.equal(risk.json().detail, 'Not every id in actionIds names an action item of this partnership.')
})

t.test('assessments, progress and payments are dated from 1998 to today, never 1900 or 2099', async (t) => {
  const ctx = await buildTestApp(t)
  const s = await setUp(ctx)
  const risk = await s.post('risks', { reference: 'CSP1', title: 'Funding' })
  const assess = (assessedOn: string) =>
    s.call('POST', `risks/${risk.id}/assessments`, s.jo, {
      assessedOn,
      inherentLikelihood: 2,
      inherentImpact: 2,
      currentLikelihood: 2,
      currentImpact: 2,
    })
  for (const day of ['1900-01-01', '2099-01-01']) {
    const refused = await assess(day)
    t.equal(refused.statusCode, 422, day)
    t.match(refused.json(), { code: 'DATE.RANGE', errors: [{ field: 'body.assessedOn' }] })
  }
  t.equal((await assess('2010-06-30')).statusCode, 201)
  const progress = await s.call('POST', `actions/${s.action.id}/progress`, s.jo, {
    reportedOn: '2099-12-31',
    status: 'complete',
    body: 'Done for ever',
  })
  t.equal(progress.statusCode, 422, 'a 2099 complete never fixes an action as complete')
  t.equal(progress.json().code, 'DATE.RANGE')
})
