import t from 'tap'
import { alphaWithNi20, buildTestApp } from '../../helper.js'

t.test(
  'a figure that puts an indicator off target tells it once (evaluation.flag_raised), after the write',
  async (t) => {
    const ctx = await buildTestApp(t, { WEBHOOK_DELIVERY: 'true', JOB_POLL_SECONDS: '1' })
    // 120 for the year: April's share is 10, and 30 is three times it.
    const { admin, post, boston, ni20 } = await alphaWithNi20(ctx, '120')
    const flagsRaised = async () =>
      (
        (await ctx.app.inject({ url: '/partnerships/alpha/events?type=evaluation.flag_raised', headers: admin })).json()
          .items as Array<{ data: Record<string, unknown> }>
      ).map((e) => e.data)
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 20_000
      for (;;) {
        const raised = await flagsRaised()
        if (raised.length >= n || Date.now() > deadline) return raised
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    await post('measurements/bulk', [{ indicator: 'NI 20', area: 'E07000136', period: '2010-04', value: 30 }])
    const raised = await waitFor(1)
    t.match(raised, [{ flag: 'off_target', indicatorId: ni20.id, areaId: boston.id, period: '2010-04', rag: 'red' }])
    t.equal(raised.length, 1)

    // Still off target on a corrected figure for the same month: nothing new to tell.
    await ctx.app.inject({
      method: 'PUT',
      url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2010-04`,
      headers: admin,
      payload: { value: 29 },
    })
    // The check of a write that changed nothing is not even queued; this one ran and told nothing.
    const deadline = Date.now() + 5000
    let checked = false
    while (!checked && Date.now() < deadline) {
      const { rows } = await ctx.pool.query(
        "select count(*)::int as n from pgboss.job where name = 'evaluation-check' and state = 'completed'",
      )
      checked = rows[0].n >= 2
      if (!checked) await new Promise((r) => setTimeout(r, 200))
    }
    t.ok(checked, 'the second check ran')
    t.equal((await flagsRaised()).length, 1, 'the same flag for the same month is told once')
  },
)
