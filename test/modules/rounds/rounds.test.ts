import zlib from 'node:zlib'
import t from 'tap'
import { loadDemo } from '../../../src/modules/demo/demo.service.js'
import { buildTestApp, type TestApp } from '../../helper.js'

const URL = '/partnerships/east-lincolnshire'

/** Someone of the demo's, signing in with no role in the token: their groups give them their rights. */
const person = async (ctx: TestApp, sub: string) => ({ authorization: `Bearer ${await ctx.token({ sub })}` })

interface Item {
  indicator: { id: string; reference: string }
  area: { id: string; code: string }
  evaluation: { flags: Array<{ flag: string }> }
  direction: string
  selection: { decision: string; reason: string | null; actionId: string | null } | null
}
const itemsOf = (groups: Array<{ items: Item[] }>) => groups.flatMap((g) => g.items)
const keyOf = (i: Item) => `${i.indicator.reference} ${i.area.code}`

t.test(
  "East Lincolnshire's 2010-09 round: opened by PMG, returns in (one late), curated, issued, and frozen against a later revision",
  async (t) => {
    const ctx = await buildTestApp(t)
    await loadDemo(ctx.db, ctx.config.auth.issuer)
    const pmg = await person(ctx, 'pmg.chair@example.org')
    const asbMember = await person(ctx, 'sarah.cocker@example.org')
    const officer = await ctx.as('officer', 'east-lincolnshire')
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: object) =>
      ctx.app.inject({ method, url: `${URL}${url}`, headers, ...(payload === undefined ? {} : { payload }) })

    const meetings = { themeMeetingsOn: '2010-10-12', pmgMeetingOn: '2010-10-26', strategicMeetingOn: '2010-11-09' }
    const refused = await call('POST', '/rounds', asbMember, { period: '2010-09', ...meetings })
    t.equal(refused.statusCode, 403, 'a theme group member does not open a round')
    t.equal(refused.json().code, 'ROUND.NOT_PMG')
    const backwards = await call('POST', '/rounds', pmg, { period: '2010-09', ...meetings, pmgMeetingOn: '2010-10-01' })
    t.equal(backwards.statusCode, 422, 'PMG meets after the theme groups')
    t.equal(backwards.json().code, 'ROUND.DATES')

    const groups = (await call('GET', '/groups?kind=theme&sort=name', pmg)).json().items as Array<{
      id: string
      name: string
    }>
    const asb = groups.find((g) => g.name.startsWith('Anti-Social'))!
    const ppo = groups.find((g) => g.name.startsWith('Prolific'))!
    const opened = await call('POST', '/rounds', pmg, {
      period: '2010-09',
      ...meetings,
      groupMeetings: [{ groupId: asb.id, meetingOn: '2010-10-05' }],
    })
    t.equal(opened.statusCode, 201, opened.statusCode === 201 ? 'opened' : opened.body)
    const round = opened.json()
    t.equal(round.returns.length, 4, 'a return is due from each of the four theme groups')
    const asbReturn = round.returns.find((r: { groupId: string }) => r.groupId === asb.id)
    t.match(asbReturn, { meetingOn: '2010-10-05', sendBy: '2010-09-28', returnBy: '2010-10-12', status: 'overdue' })
    const again = await call('POST', '/rounds', pmg, { period: '2010-09', ...meetings })
    t.equal(again.statusCode, 409, 'one round per period')

    const path = `/rounds/${round.id}`
    const submit = (groupId: string, headers: Record<string, string>) =>
      call('POST', `${path}/returns/${groupId}/submit`, headers, { summary: 'Commentary in for every red.' })
    t.equal((await submit(asb.id, await person(ctx, 'ppo.manager@example.org'))).statusCode, 403, "not another group's")
    t.equal((await submit(asb.id, asbMember)).statusCode, 200, 'the group submits its return')
    const twice = await submit(asb.id, asbMember)
    t.equal(twice.statusCode, 409)
    t.equal(twice.json().code, 'ROUND.RETURN_SUBMITTED')
    const asbIndicator = (await call('GET', '/indicators?q=LOCAL%20ASB', pmg)).json().items[0]
    const boston = (await call('GET', '/areas?q=Boston', pmg)).json().items[0]
    const comment = (body: string) =>
      call('POST', '/commentary', asbMember, {
        indicatorId: asbIndicator.id,
        areaId: boston.id,
        period: '2010-09',
        body,
      })
    const late = await comment('Two new dispersal orders since the meeting.')
    t.equal(late.statusCode, 409, 'a submitted return holds its commentary')
    t.equal(late.json().code, 'COMMENTARY.RETURN_SUBMITTED')
    t.equal((await call('POST', `${path}/returns/${asb.id}/reopen`, pmg)).statusCode, 200, 'PMG asks for more')
    interface Missing {
      groupId: string
      commentary: Array<{ reference: string; areaId: string }>
      progress: Array<{ actionId: string }>
    }
    const missingOf = async (): Promise<Missing> =>
      (await call('GET', `${path}/missing`, pmg)).json().groups.find((g: Missing) => g.groupId === asb.id)
    const bostonAsb = (m: Missing) => m.commentary.some((c) => c.reference === 'LOCAL ASB' && c.areaId === boston.id)
    t.ok(bostonAsb(await missingOf()), "Boston's ASB exception awaits the group's commentary")
    t.equal((await comment('Two new dispersal orders since the meeting.')).statusCode, 201, 'reopened, it takes more')
    const stillMissing = await missingOf()
    t.notOk(bostonAsb(stillMissing), 'commented, it is no longer missing')
    t.ok(stillMissing.progress.length > 0, `${stillMissing.progress.length} ASB actions await a progress update`)
    t.equal((await submit(asb.id, asbMember)).statusCode, 200, 'and the group submits again')
    const asbAction = (await call('GET', `/actions?groupId=${asb.id}&limit=1`, pmg)).json().items[0]
    const progress = (headers: Record<string, string>) =>
      call('POST', `/actions/${asbAction.id}/progress`, headers, {
        reportedOn: '2010-10-20',
        status: 'on_track',
        body: 'Patrols in place in the town centre',
      })
    const heldAction = await progress(asbMember)
    t.equal(heldAction.statusCode, 409, "the return holds the group's actions while the round is open")
    t.equal(heldAction.json().code, 'ACTION.RETURN_SUBMITTED')
    t.equal((await progress(officer)).statusCode, 201, "an officer is not held by a group's return")
    t.notOk(
      (await missingOf()).progress.some((a) => a.actionId === asbAction.id),
      'an action with progress since the period began is not missing',
    )

    // Reports cut to a theme group (its priority's indicators) or to an area.
    const asbPriority = (await call('GET', `/groups/${asb.id}`, pmg)).json().priorityId
    const byGroup = (await call('GET', `/reports/exceptions?period=2010-09&groupId=${asb.id}`, pmg)).json()
    t.same(
      byGroup.priorities.map((p: { priority: { id: string } }) => p.priority.id),
      [asbPriority],
      "a theme group's exceptions are its priority's",
    )
    const pmgGroup = (await call('GET', '/groups?kind=performance', pmg)).json().items[0]
    t.same(
      (await call('GET', `/reports/exceptions?period=2010-09&groupId=${pmgGroup.id}`, pmg)).json().priorities,
      [],
      'PMG owns no indicators',
    )
    const inBoston = itemsOf(
      (await call('GET', `/reports/performance?period=2010-09&areaId=${boston.id}`, pmg)).json().priorities,
    )
    t.ok(
      inBoston.length > 0 && inBoston.every((i) => i.area.id === boston.id),
      `${inBoston.length} items, all Boston's`,
    )

    // PMG asks the ASB group to explain Boston's figure, within the round.
    const beyond = await call('POST', `${path}/requests`, pmg, {
      groupId: asb.id,
      question: 'x',
      dueOn: '2010-11-10',
    })
    t.equal(beyond.statusCode, 422, "a request is answered by the Strategic Group's meeting")
    const asked = await call('POST', `${path}/requests`, pmg, {
      groupId: asb.id,
      question: "Boston's ASB is 29% above its profile: what is being done, and by when?",
      dueOn: '2010-10-22',
    })
    t.equal(asked.statusCode, 201, asked.body)
    const request = asked.json().requests[0]
    t.match(request, { groupId: asb.id, dueOn: '2010-10-22', answer: null, status: 'overdue' })
    t.equal(
      (
        await call('POST', `${path}/requests/${request.id}/answer`, await person(ctx, 'ppo.manager@example.org'), {
          answer: 'x',
        })
      ).statusCode,
      403,
      "another group's member does not answer",
    )
    for (const g of groups.filter((g) => g.id !== asb.id && g.id !== ppo.id))
      t.equal((await submit(g.id, officer)).statusCode, 200, `${g.name} returned (by an officer)`)
    const status = (await call('GET', path, pmg))
      .json()
      .returns.map((r: { groupName: string; status: string }) => r.status)
    t.same(status.sort(), ['overdue', 'submitted', 'submitted', 'submitted'], "the PPO group's return is late")

    // PMG's curation: the computed exceptions, the data issues apart.
    const computed = (await call('GET', `${path}/exceptions`, pmg)).json()
    const going = itemsOf(computed.priorities)
    const chased = itemsOf(computed.dataIssues)
    t.ok(
      going.length > 0 && chased.length > 0,
      `${going.length} exceptions go up, ${chased.length} data issues are chased`,
    )
    t.ok(
      chased.every((i) => i.evaluation.flags.every((f) => ['missing_data', 'no_target'].includes(f.flag))),
      'a data issue is flagged only for want of a target or a figure',
    )
    const dropping = going.find((i) => i.direction === 'good')!
    const select = (item: { indicator: { id: string }; area: { id: string } }, body: object) =>
      call('PUT', `${path}/selections/${item.indicator.id}/${item.area.id}`, pmg, body)
    const noReason = await select(dropping, { decision: 'drop' })
    t.equal(noReason.statusCode, 422, 'dropping needs a reason')
    t.equal(noReason.json().code, 'ROUND.SELECTION')
    t.equal((await select(dropping, { decision: 'drop', reason: 'One good month; not yet a trend' })).statusCode, 200)

    const performance = (await call('GET', '/reports/performance?period=2010-09', pmg)).json()
    const quiet = itemsOf(performance.priorities).find((i) => i.evaluation.flags.length === 0)!
    t.equal((await select(quiet, { decision: 'keep' })).statusCode, 422, 'nothing to keep where nothing was raised')
    const added = await select(quiet, {
      decision: 'add',
      direction: 'bad',
      reason: 'On target, but the Boston town-centre disorder reported by the police this month belongs here',
    })
    t.equal(added.statusCode, 200, added.statusCode === 200 ? 'added' : added.body)

    const kept = going.find((i) => i.direction === 'bad')!
    const actions = (await call('GET', `/actions?limit=1`, pmg)).json().items
    t.equal((await select(kept, { decision: 'keep', actionId: actions[0].id })).statusCode, 200)

    const curated = (await call('GET', `${path}/exceptions`, pmg)).json()
    const nowGoing = itemsOf(curated.priorities)
    t.notOk(
      nowGoing.some((i) => keyOf(i) === keyOf(dropping)),
      'the dropped one does not go up',
    )
    t.match(itemsOf(curated.dropped), [{ selection: { decision: 'drop', reason: 'One good month; not yet a trend' } }])
    t.match(
      nowGoing.find((i) => keyOf(i) === keyOf(quiet)),
      { direction: 'bad', selection: { decision: 'add' } },
    )
    t.match(
      nowGoing.find((i) => keyOf(i) === keyOf(kept)),
      { selection: { decision: 'keep', actionId: actions[0].id } },
    )

    // Issue: not while a return is missing, unless PMG says why.
    const early = await call('POST', `${path}/issue`, pmg, {})
    t.equal(early.statusCode, 409)
    t.equal(early.json().code, 'ROUND.RETURNS_MISSING')
    t.match(early.json().detail, /Prolific/)
    t.match(early.json().detail, /an answer to PMG's request/, 'an unanswered request holds the issue too')
    const answered = await call('POST', `${path}/requests/${request.id}/answer`, asbMember, {
      answer: 'Operation Pivot runs in the town centre from 1 November; the Boston action plan names it.',
    })
    t.equal(answered.statusCode, 200, answered.body)
    t.match(answered.json().requests[0], { status: 'answered', answeredBy: 'sarah.cocker@example.org' })
    const issued = await call('POST', `${path}/issue`, pmg, {
      missingReturnsReason: 'The PPO group did not meet this quarter; its figures are on target',
    })
    t.equal(issued.statusCode, 201, issued.statusCode === 201 ? 'issued' : issued.body)
    const report = await call('GET', `${path}/report`, officer)
    t.equal(report.statusCode, 200)
    t.same(report.json().exceptions, curated, 'what was curated is what was issued')
    t.ok(report.json().performance.priorities.length > 0, 'with the full performance report')
    t.equal((await submit(ppo.id, officer)).json().code, 'ROUND.ISSUED', 'an issued round takes no more returns')

    const issuedAt = report.json().issuedAt as string
    t.equal((await progress(asbMember)).statusCode, 201, "issued, the group's actions move on")

    // The Strategic Group responds to what was issued, and asks PMG's chair to follow one up.
    const strategic = await person(ctx, 'strategic.chair@example.org')
    const respond = (item: Item, headers: Record<string, string>, body: object) =>
      call('PUT', `${path}/responses/${item.indicator.id}/${item.area.id}`, headers, body)
    t.equal((await respond(kept, pmg, { response: 'accepted' })).json().code, 'ROUND.NOT_STRATEGIC')
    t.equal(
      (await respond(dropping, strategic, { response: 'accepted' })).json().code,
      'ROUND.RESPONSE',
      'a dropped exception never reached the Strategic Group',
    )
    t.equal(
      (await respond(kept, strategic, { response: 'further_support_required', followUp: 'What support?' })).statusCode,
      422,
      'a follow-up has a due date',
    )
    const responded = await respond(kept, strategic, {
      response: 'further_support_required',
      note: 'The group needs the youth service at the table.',
      followUp: 'Report back on the youth service offer for Boston town centre.',
      followUpDueOn: '2011-01-11',
    })
    t.equal(responded.statusCode, 200, responded.body)
    t.match(responded.json().responses, [
      {
        indicatorId: kept.indicator.id,
        response: 'further_support_required',
        respondedBy: 'strategic.chair@example.org',
      },
    ])
    t.equal((await respond(quiet, strategic, { response: 'raise_at_county_board' })).statusCode, 200, 'the added one')

    // A figure revised after issue leaves the issued report as it was.
    const put = await call('PUT', '/measurements/LOCAL%20ASB/E07000136/2010-09', officer, { value: 400 })
    t.equal(put.statusCode, 200, put.body)
    const after = await call('GET', `${path}/report`, officer)
    t.equal(after.body, report.body, 'the issued report is byte for byte as issued')
    t.not(
      (await call('GET', '/reports/exceptions?period=2010-09', officer)).body,
      JSON.stringify(report.json().exceptions),
      'while the live report moved with the revision',
    )
    const known = await call(
      'GET',
      `/reports/performance?period=2010-09&knownAt=${encodeURIComponent(issuedAt)}`,
      officer,
    )
    t.equal(known.statusCode, 200, known.body)
    t.equal(known.json().knownAt, issuedAt)
    t.same(known.json().priorities, report.json().performance.priorities, 'the report known at issue is the issued one')
    const changes = await call('GET', `${path}/changes`, officer)
    t.equal(changes.statusCode, 200, changes.body)
    const moved = changes
      .json()
      .items.find(
        (i: { indicator: { reference: string }; area: { id: string } }) =>
          i.indicator.reference === 'LOCAL ASB' && i.area.id === boston.id,
      )
    t.match(moved, { revisions: [{ period: '2010-09', value: '400', sentBy: 'officer@east-lincolnshire' }] })
    t.equal(moved.now.actual - moved.issued.actual, 65, 'the year to date moved by 400 - 335')
    t.ok(
      changes.json().items.every((i: { indicator: { reference: string } }) => i.indicator.reference === 'LOCAL ASB'),
      'and nothing else moved but what the revision touched',
    )

    // The next round carries the follow-up, and PMG's chair answers it there.
    const next = await call('POST', '/rounds', pmg, {
      period: '2010-12',
      themeMeetingsOn: '2011-01-11',
      pmgMeetingOn: '2011-01-25',
      strategicMeetingOn: '2011-02-08',
    })
    t.equal(next.statusCode, 201, next.body)
    const followUp = next.json().followUps[0]
    t.match(next.json().followUps, [{ followUp: /youth service/, answer: null }], 'asked in 2010-09, due in 2010-12')
    const sameRound = await call('POST', `${path}/follow-ups/${followUp.id}/answer`, pmg, { answer: 'x' })
    t.equal(sameRound.json().code, 'ROUND.FOLLOW_UP_ROUND', 'answered in a later round')
    const answer = await call('POST', `/rounds/${next.json().id}/follow-ups/${followUp.id}/answer`, pmg, {
      answer: 'The youth service joins the ASB group from January; two detached workers in Boston.',
    })
    t.equal(answer.statusCode, 200, answer.body)
    t.match(answer.json().followUps, [
      { id: followUp.id, answeredInRoundId: next.json().id, answeredBy: 'pmg.chair@example.org' },
    ])
  },
)

t.test('an issued report is never changed or deleted, not even by the database owner', async (t) => {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db, ctx.config.auth.issuer)
  const pmg = await person(ctx, 'pmg.chair@example.org')
  const round = (
    await ctx.app.inject({
      method: 'POST',
      url: `${URL}/rounds`,
      headers: pmg,
      payload: {
        period: '2010-06',
        themeMeetingsOn: '2010-07-13',
        pmgMeetingOn: '2010-07-27',
        strategicMeetingOn: '2010-08-10',
      },
    })
  ).json()
  const issued = await ctx.app.inject({
    method: 'POST',
    url: `${URL}/rounds/${round.id}/issue`,
    headers: pmg,
    payload: { missingReturnsReason: 'Testing the freeze' },
  })
  t.equal(issued.statusCode, 201, issued.statusCode === 201 ? 'issued' : issued.body)
  await t.rejects(
    ctx.db.updateTable('issuedReport').set({ issuedBy: 'someone else' }).where('roundId', '=', round.id).execute(),
    /never changed or deleted/,
  )
  await t.rejects(
    ctx.db.deleteFrom('issuedReport').where('roundId', '=', round.id).execute(),
    /never changed or deleted/,
  )
})

/** The text a PDF shows: pdfkit writes each line as hex strings in a TJ array, in deflated streams. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1')
  const lines: string[] = []
  for (const found of raw.matchAll(/stream\r?\n/g)) {
    const start = found.index + found[0].length
    let content: string
    try {
      content = zlib.inflateSync(pdf.subarray(start, raw.indexOf('endstream', start))).toString('latin1')
    } catch {
      continue // an image or a font, not a page's content
    }
    for (const array of content.matchAll(/\[([^\]]*)\]\s*TJ/g))
      lines.push(
        [...array[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''),
      )
  }
  return lines.join('\n')
}

t.test("the demo's issued half-year round prints as a committee pack: PDF, HTML and CSV", async (t) => {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db, ctx.config.auth.issuer)
  const viewer = await ctx.as('viewer', 'east-lincolnshire')
  const rounds = (await ctx.app.inject({ method: 'GET', url: `${URL}/rounds`, headers: viewer })).json().items
  const round = rounds.find((r: { period: string }) => r.period === 'FY2010-11-Q2')
  t.ok(round?.issuedAt, 'the demo holds the issued 2010-Q3 round')
  t.equal(round.responses.length, 3, "with the Strategic Group's three responses")
  const report = (
    await ctx.app.inject({ method: 'GET', url: `${URL}/rounds/${round.id}/report`, headers: viewer })
  ).json()
  const exceptions = itemsOf(report.exceptions.priorities)
  t.ok(exceptions.length >= 10, `${exceptions.length} exceptions issued`)

  const pdf = await ctx.app.inject({
    method: 'GET',
    url: `${URL}/rounds/${round.id}/report?format=pdf`,
    headers: viewer,
  })
  t.equal(pdf.statusCode, 200, pdf.statusCode === 200 ? 'a PDF' : pdf.body)
  t.equal(pdf.headers['content-type'], 'application/pdf')
  t.equal(pdf.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-')
  const text = pdfText(pdf.rawPayload)
  const pages = [...pdf.rawPayload.toString('latin1').matchAll(/\/Type \/Page\b/g)].length
  t.ok(pages >= 4, `${pages} pages`)
  t.match(text, /East Lincolnshire/, 'the cover names the partnership')
  t.match(text, /Jul-Sep 2010/, 'and the period')
  t.match(text, /Strategic Group: 9 November 2010/, 'and the meetings')
  t.match(text, /The PPO group did not meet this quarter/, 'and why it went without a return')
  t.match(text, /Exception report/)
  t.match(text, /Red: off target/, 'RAG in words as well as colour')
  t.match(text, /LOCAL ASB/)
  t.match(text, /Performance report/)
  t.match(text, new RegExp(`Page 1 of ${pages}`), 'numbered pages')
  t.match(text, new RegExp(`Page ${pages} of ${pages}`))
  const bad = text.indexOf('Red: off target, of concern')
  const good = text.indexOf('good performance')
  t.ok(bad >= 0 && bad < text.indexOf('Green: on or ahead of target, good performance'), 'bad before good')
  t.ok(good > 0)

  const html = await ctx.app.inject({
    method: 'GET',
    url: `${URL}/rounds/${round.id}/report`,
    headers: { ...viewer, accept: 'text/html' },
  })
  t.equal(html.statusCode, 200)
  t.match(html.headers['content-type'], /^text\/html/)
  t.match(html.body, /<h1>East Lincolnshire/)
  t.equal((html.body.match(/<svg/g) ?? []).length, exceptions.length, 'a trend chart for every exception')
  t.match(html.body, /Red: off target/)

  const csv = await ctx.app.inject({
    method: 'GET',
    url: `${URL}/rounds/${round.id}/report?format=csv`,
    headers: viewer,
  })
  t.equal(csv.statusCode, 200)
  const rows = csv.body
    .replace(/^\ufeff/, '')
    .trim()
    .split('\n')
  t.match(rows[0], /^priority_code,priority_name,direction,indicator/)
  t.ok(rows.length - 1 >= exceptions.length, 'a row per issued exception (and more where a cell breaks a line)')

  // The pack rests on the issue: a figure revised since changes neither it nor its charts.
  const officer = await ctx.as('officer', 'east-lincolnshire')
  t.equal(
    (
      await ctx.app.inject({
        method: 'PUT',
        url: `${URL}/measurements/LOCAL%20ASB/E07000136/2010-09`,
        headers: officer,
        payload: { value: 900 },
      })
    ).statusCode,
    200,
  )
  const again = await ctx.app.inject({
    method: 'GET',
    url: `${URL}/rounds/${round.id}/report?format=html`,
    headers: viewer,
  })
  t.equal(again.body, html.body, 'the printed pack is as issued')
})
