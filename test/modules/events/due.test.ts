import t from 'tap'
import { DUE_QUEUE, sendJob } from '../../../src/db/jobs.js'
import { addDays } from '../../../src/domain/periods.js'
import { today } from '../../../src/http/clock.js'
import { raiseDueEvents } from '../../../src/modules/events/events.due.js'
import { buildTestApp, seedPartnerships } from '../../helper.js'

t.test('events that fall on a day: raised once each, however often the sweep runs', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const admin = await ctx.as('admin', 'alpha')
  const post = async (url: string, payload: object) => {
    const res = await ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers: admin, payload })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json() as { id: string }
  }
  const police = await post('agencies', { name: 'Lincolnshire Police', role: 'responsible_authority' })
  const boston = await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  // Police figures come 15 days after the month: May's is due on 15 June.
  const ni20 = await post('indicators', {
    reference: 'NI 20',
    name: 'Assault with less serious injury',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
    sourceAgencyId: police.id,
    dataLagDays: 15,
  })
  await ctx.app.inject({
    method: 'PUT',
    url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2010-04`,
    headers: admin,
    payload: { value: 31 },
  })
  const priority = await post('priorities', { name: 'Violent crime', code: 'VC' })
  const action = await post('actions', { priorityId: priority.id, title: 'Night-time economy patrols' })
  const milestone = await post(`actions/${action.id}/milestones`, { description: 'Patrols start', due: '2010-06-15' })
  await post(`actions/${action.id}/milestones`, {
    description: 'Done on time',
    due: '2010-06-16',
    doneOn: '2010-06-15',
  })
  const risk = await post('risks', { reference: 'CSP1', title: 'Funding ends', priorityId: priority.id })
  // Reviewed every six months: due again on 10 July, within the month on 20 June.
  await post(`risks/${risk.id}/assessments`, {
    assessedOn: '2010-01-10',
    inherentLikelihood: 3,
    inherentImpact: 3,
    currentLikelihood: 2,
    currentImpact: 3,
  })

  const partnership = (
    await ctx.db
      .selectFrom('partnership')
      .select(['id', 'financialYearStartMonth'])
      .where('slug', '=', 'alpha')
      .execute()
  )[0]!
  const raised = await raiseDueEvents(ctx.app.db, partnership, '2010-06-20')
  const feed = await ctx.app.inject({ url: '/partnerships/alpha/events', headers: admin })
  const events = (feed.json() as { items: Array<{ type: string; data: Record<string, unknown> }> }).items
  t.same(
    events.map((e) => e.type).sort(),
    ['action.milestone_overdue', 'return.overdue', 'risk.review_due'],
    'one of each: May overdue, the review due, the undone milestone',
  )
  t.equal(raised, 3)
  t.match(events.find((e) => e.type === 'return.overdue')!.data, {
    indicatorId: ni20.id,
    areaId: boston.id,
    period: '2010-05',
    dueOn: '2010-06-15',
    agencyId: police.id,
  })
  t.match(events.find((e) => e.type === 'action.milestone_overdue')!.data, {
    milestoneId: milestone.id,
    dueOn: '2010-06-15',
  })
  t.match(events.find((e) => e.type === 'risk.review_due')!.data, { riskId: risk.id, reviewDueOn: '2010-07-10' })

  t.equal(await raiseDueEvents(ctx.app.db, partnership, '2010-06-20'), 0, 'the next run raises nothing again')
  t.equal(await raiseDueEvents(ctx.app.db, partnership, '2010-06-21'), 0, 'nor the next day')
  // A week on, what fell more than a week ago is not told late (a first run would tell every miss ever).
  t.equal(await raiseDueEvents(ctx.app.db, partnership, '2010-07-20'), 1, "only June's return, due 15 July")
  const beta = await ctx.app.inject({ url: '/partnerships/beta/events', headers: await ctx.as('admin', 'beta') })
  t.same(beta.json().items, [], "another partnership's events are its own")
})

t.test('the sweep: scheduled hourly on the job queue, and worked by an instance', async (t) => {
  const ctx = await buildTestApp(t, { WEBHOOK_DELIVERY: 'true', JOB_POLL_SECONDS: '1' })
  const { rows } = await ctx.pool.query('select name, cron, timezone from pgboss.schedule')
  t.same(rows, [{ name: 'events-due', cron: '7 * * * *', timezone: 'Europe/London' }])
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const post = async (url: string, payload: object) =>
    (await ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers: admin, payload })).json()
  const priority = await post('priorities', { name: 'Violent crime', code: 'VC' })
  const action = await post('actions', { priorityId: priority.id, title: 'Night-time economy patrols' })
  const yesterday = addDays(today(), -1)
  await post(`actions/${action.id}/milestones`, { description: 'Patrols start', due: yesterday })
  // The hour's job, as the clock sends it.
  await sendJob(ctx.db, DUE_QUEUE, {})
  const deadline = Date.now() + 20_000
  let items: Array<{ type: string; data: { dueOn: string } }> = []
  while (items.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    items = (await ctx.app.inject({ url: '/partnerships/alpha/events', headers: admin })).json().items
  }
  t.match(items, [{ type: 'action.milestone_overdue', data: { dueOn: yesterday } }])
})
