import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import t from 'tap'
import { buildTestApp, mulberry32, partnershipClient, seedPartnerships } from '../../helper.js'

const POLICE = path.resolve('test/fixtures/police-uk')
const january = fs.readFileSync(path.join(POLICE, '2023-01-city-of-london-street.csv'), 'utf8')
const february = fs.readFileSync(path.join(POLICE, '2023-02-city-of-london-street.csv'), 'utf8')
const march = fs.readFileSync(path.join(POLICE, '2023-03-city-of-london-street.csv'), 'utf8')
const LFB = fs.readFileSync(path.resolve('test/fixtures/lfb/2023-q1-incidents-sample.csv'), 'utf8')

/** The City of London's six 2021 LSOAs, as the police.uk files name them. */
const CITY_LSOAS = ['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740']

const MAPPED: Record<string, string[]> = {
  'LOCAL ASB': ['Anti-social behaviour'],
  'LOCAL CD': ['Criminal damage and arson'],
  'LOCAL VAP': ['Violence and sexual offences'],
  'LOCAL TFS': ['Shoplifting'],
  // Several types into one indicator...
  'NI 16': ['Burglary', 'Vehicle crime', 'Robbery'],
  // ...and one type into several.
  'LOCAL ACQ': ['Burglary', 'Shoplifting', 'Other theft', 'Bicycle theft', 'Theft from the person'],
}

/** A direct count of a police.uk file, by its own reading (csv-parse's sync parser, not the service's stream). */
function directCount(text: string, lsoas: readonly string[]) {
  const rows = parse(text, { columns: true, bom: true }) as Array<Record<string, string>>
  const inside = rows.filter((r) => lsoas.includes(r['LSOA code']!))
  const count = (types: string[]) => inside.filter((r) => types.includes(r['Crime type']!)).length
  const mappedTypes = new Set(Object.values(MAPPED).flat())
  return {
    rows: rows.length,
    noLocation: rows.filter((r) => r['LSOA code'] === '').length,
    outside: rows.filter((r) => r['LSOA code'] !== '' && !lsoas.includes(r['LSOA code']!)).length,
    notMapped: inside.filter((r) => !mappedTypes.has(r['Crime type']!)).length,
    counted: inside.filter((r) => mappedTypes.has(r['Crime type']!)).length,
    byIndicator: Object.fromEntries(Object.entries(MAPPED).map(([ref, types]) => [ref, count(types)])),
  }
}

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'city', 'lincs')
  const admin = await ctx.as('admin', 'city')
  const officer = await ctx.as('officer', 'city')
  const { call, post } = partnershipClient(ctx, 'city', admin)
  const police = await post('agencies', { name: 'City of London Police', role: 'responsible_authority' })
  const fire = await post('agencies', { name: 'London Fire Brigade', role: 'responsible_authority' })
  const city = await post('areas', { name: 'City of London', type: 'district', code: 'E09000001' })
  for (const reference of Object.keys(MAPPED))
    await post('indicators', {
      reference,
      name: reference,
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
      sourceAgencyId: police.id,
    })
  const mapping = await post(
    'feeds',
    {
      name: 'City of London Police street-level crime',
      kind: 'police_uk',
      agencyId: police.id,
      rules: Object.entries(MAPPED).map(([indicator, types]) => ({ indicator, where: { 'Crime type': types } })),
    },
    officer,
  )
  const locations = await ctx.app.inject({
    method: 'PUT',
    url: `/partnerships/city/feeds/${mapping.id}/locations`,
    headers: { ...officer, 'content-type': 'text/csv', 'if-match': `"${mapping.version}"` },
    payload: `lsoa,area\n${CITY_LSOAS.map((l) => `${l},E09000001`).join('\n')}\n`,
  })
  if (locations.statusCode !== 200) throw new Error(locations.body)
  const upload = (
    file: string | Readable,
    headers: Record<string, string> = officer,
    query = '',
    mappingId: string = mapping.id,
    slug = 'city',
  ) =>
    ctx.app.inject({
      method: 'POST',
      url: `/partnerships/${slug}/feeds/${mappingId}/imports${query}`,
      headers: { ...headers, 'content-type': 'text/csv' },
      payload: file,
    })
  const measurement = async (reference: string, period: string) =>
    (await call('GET', `measurements/${encodeURIComponent(reference)}/E09000001/${period}`, officer)).json()
  return { ctx, admin, officer, call, post, police, fire, city, mapping, upload, measurement }
}

t.test('a police.uk month counts exactly as a direct count of the file, and says what it skipped', async (t) => {
  const { ctx, officer, mapping, upload, measurement, call } = await setup(t)
  const expected = directCount(january, CITY_LSOAS)
  t.equal(expected.rows, 719, 'the fixture is the file as published (its README: 719 rows)')
  t.equal(expected.noLocation, 45, 'of which 45 have no location')
  const res = await upload(january, {
    ...officer,
    'content-disposition': 'attachment; filename="2023-01-city-of-london-street.csv"',
  })
  t.equal(res.statusCode, 201, res.body)
  const run = res.json()
  t.match(res.headers.location, `/feeds/${mapping.id}/imports/${run.id}`)
  t.match(run, {
    fileName: '2023-01-city-of-london-street.csv',
    months: ['2023-01'],
    rowsRead: 719,
    rowsCounted: expected.counted,
    skipped: {
      malformed: 0,
      outsideRange: 0,
      noLocation: 45,
      outsidePartnership: expected.outside,
      notMapped: expected.notMapped,
    },
    inserted: Object.keys(MAPPED).length,
    updated: 0,
    warnings: [],
    sameFileAs: null,
  })
  t.equal(
    run.rowsRead,
    run.rowsCounted + Object.values(run.skipped as Record<string, number>).reduce((a, b) => a + b, 0),
    'every row is counted or skipped for a reason',
  )
  t.match(run.sha256, /^[0-9a-f]{64}$/)
  for (const [reference, count] of Object.entries(expected.byIndicator))
    t.equal(
      (await measurement(reference, '2023-01')).value,
      String(count),
      `${reference}: ${count}, as counted directly`,
    )
  t.equal(
    (await measurement('LOCAL ASB', '2023-01')).source,
    'City of London Police street-level crime: 2023-01-city-of-london-street.csv',
  )
  t.equal((await measurement('LOCAL ASB', '2023-01')).status, 'provisional')

  // The same file again changes nothing, and says it has seen it.
  const again = await upload(january)
  t.equal(again.statusCode, 201)
  t.match(again.json(), { inserted: 0, updated: 0, unchanged: Object.keys(MAPPED).length, sameFileAs: run.id })
  t.match(again.json().warnings[0], /was imported before/)
  t.equal((await measurement('LOCAL ASB', '2023-01')).revision, 1, 'no revision')

  // A corrected file for the month revises what changed; the revision history shows the first count.
  const lines = january.trimEnd().split('\n')
  const asb = lines.filter((l) => l.includes(',Anti-social behaviour,') && CITY_LSOAS.some((c) => l.includes(c)))
  const corrected = lines.filter((l) => !asb.slice(0, 3).includes(l)).join('\n') + '\n'
  const revised = await upload(corrected, officer, '?fileName=2023-01-corrected.csv')
  t.match(revised.json(), { updated: 1, unchanged: Object.keys(MAPPED).length - 1, rowsRead: 716 })
  const history = await call('GET', `measurements/LOCAL%20ASB/E09000001/2023-01/revisions`, officer)
  t.same(
    history.json().items.map((r: { value: string; source: string }) => r.value),
    [String(expected.byIndicator['LOCAL ASB']! - 3), String(expected.byIndicator['LOCAL ASB'])],
    'three fewer ASB incidents, the first count kept as a revision',
  )

  const runs = await call('GET', `feeds/${mapping.id}/imports?limit=2`, officer)
  t.same(
    runs.json().items.map((r: { fileName: string }) => r.fileName),
    ['2023-01-corrected.csv', null],
    'runs newest first (the second upload gave no name)',
  )
  const next = await call('GET', `feeds/${mapping.id}/imports?limit=2&cursor=${runs.json().nextCursor}`, officer)
  t.same(
    next.json().items.map((r: { id: string }) => r.id),
    [run.id],
    'and paged',
  )
  t.same((await call('GET', `feeds/${mapping.id}/imports/${run.id}`, officer)).json(), { ...run })
  t.ok(
    (await ctx.db
      .selectFrom('auditEvent')
      .select('id')
      .where('resourceType', '=', 'feed import')
      .where('resourceId', '=', run.id)
      .executeTakeFirst()) !== undefined,
    'each run is audited',
  )
})

t.test('the three real months, a dry run, and idempotent retries', async (t) => {
  const { upload, officer, measurement, ctx } = await setup(t)
  const count = async () =>
    Number(
      (
        await ctx.db
          .selectFrom('measurement')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const dry = await upload(february, officer, '?dryRun=true')
  t.equal(dry.statusCode, 200)
  t.match(dry.json(), { id: null, dryRun: true, inserted: Object.keys(MAPPED).length, months: ['2023-02'] })
  t.equal(await count(), 0, 'a dry run writes nothing')
  const keyed = { ...officer, 'idempotency-key': 'march-2023' }
  const first = await upload(march, keyed)
  t.equal(first.statusCode, 201)
  const replay = await upload(march, keyed)
  t.equal(replay.statusCode, 201)
  t.equal(replay.headers['idempotent-replayed'], 'true', 'a retry replays the first answer')
  t.equal(replay.json().id, first.json().id, 'the same run')
  const reused = await upload(february, keyed)
  t.equal(reused.statusCode, 422)
  t.equal(reused.json().code, 'IDEMPOTENCY.KEY_REUSED')
  await upload(february)
  for (const [text, month] of [
    [february, '2023-02'],
    [march, '2023-03'],
  ] as const) {
    const expected = directCount(text, CITY_LSOAS)
    for (const [reference, n] of Object.entries(expected.byIndicator))
      t.equal((await measurement(reference, month)).value, String(n), `${month} ${reference}: ${n}`)
  }
})

t.test('another force’s file counts nothing and says so; a file in another layout is refused', async (t) => {
  const { ctx, upload, post } = await setup(t)
  // East Lincolnshire's lookup holds Boston's LSOAs: no row of the City's file lies in it.
  const lincsAdmin = await ctx.as('admin', 'lincs')
  const lincs = partnershipClient(ctx, 'lincs', lincsAdmin)
  await lincs.post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  await lincs.post('indicators', {
    reference: 'LOCAL ASB',
    name: 'ASB',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })
  const mapping = await lincs.post('feeds', {
    name: 'Lincolnshire Police',
    kind: 'police_uk',
    rules: [{ indicator: 'LOCAL ASB', where: { 'Crime type': ['Anti-social behaviour'] } }],
  })
  await ctx.app.inject({
    method: 'PUT',
    url: `/partnerships/lincs/feeds/${mapping.id}/locations`,
    headers: { ...lincsAdmin, 'if-match': '*' },
    payload: [
      { location: 'E01026007', area: 'E07000136' },
      { location: 'E01026008', area: 'E07000136' },
    ],
  })
  const foreign = await upload(january, lincsAdmin, '', mapping.id, 'lincs')
  t.equal(foreign.statusCode, 201)
  t.match(foreign.json(), { rowsCounted: 0, inserted: 0, skipped: { outsidePartnership: 674, noLocation: 45 } })
  t.match(foreign.json().warnings[0], /another force's file/)
  const written = await ctx.db.selectFrom('measurement').select('id').execute()
  t.equal(written.length, 0, 'nothing written')

  const layout = await upload(LFB)
  t.equal(layout.statusCode, 422)
  t.equal(layout.json().code, 'FEED.LAYOUT')
  t.match(layout.json().detail, /"Month", "LSOA code", "Crime type"/)
  // Indicators a feed cannot count into are refused when the mapping is written.
  await post('indicators', {
    reference: 'NI 30',
    name: 'PPO re-offending',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'quarterly',
    aggregation: 'sum',
  })
  const quarterly = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/city/feeds',
    headers: await ctx.as('officer', 'city'),
    payload: { name: 'x', kind: 'police_uk', rules: [{ indicator: 'NI 30', where: { 'Crime type': ['Drugs'] } }] },
  })
  t.equal(quarterly.statusCode, 422)
  t.match(quarterly.json(), { code: 'FEED.INDICATOR', errors: [{ field: 'body.rules.0.indicator' }] })
})

t.test(
  'a police.uk file of another force is refused before anything is written; its rows are otherForce',
  async (t) => {
    const { ctx, upload, measurement } = await setup(t)
    // The City's January as if the Met had published it: every row "Reported by" and "Falling within" the Met.
    const met = january.replaceAll(
      'City of London Police,City of London Police',
      'Metropolitan Police Service,Metropolitan Police Service',
    )
    for (const query of ['', '?dryRun=true']) {
      const refused = await upload(met, undefined, query)
      t.equal(refused.statusCode, 422, `refused${query}`)
      t.match(refused.json(), {
        code: 'FEED.OTHER_FORCE',
        detail:
          /719 readable rows are another force's \(Metropolitan Police Service\), and this mapping is City of London Police's/,
      })
    }
    t.equal((await ctx.db.selectFrom('measurement').select('id').execute()).length, 0, 'nothing written')

    // A few rows of a neighbour in the force's own file: not counted, and said.
    const lines = january.trimEnd().split('\n')
    const mixed = [
      lines[0],
      ...lines
        .slice(1)
        .map((line, i) =>
          i < 20
            ? line.replace(
                'City of London Police,City of London Police',
                'Metropolitan Police Service,Metropolitan Police Service',
              )
            : line,
        ),
    ].join('\n')
    const ok = await upload(mixed)
    t.equal(ok.statusCode, 201, ok.body)
    t.equal(ok.json().skipped.otherForce, 20)
    t.match(ok.json().warnings, [/20 rows are another force's \(Metropolitan Police Service\): not counted/])
    t.ok(Number((await measurement('LOCAL ASB', '2023-01')).value) >= 0)
  },
)

t.test('a file as Excel saves it (BOM, CRLF, "Jan-23"), or with CR alone, counts as the file published', async (t) => {
  const { upload, measurement } = await setup(t)
  const published = await upload(january, undefined, '?dryRun=true')
  t.equal(published.statusCode, 200)
  const excel =
    '\ufeff' +
    january
      .trimEnd()
      .split('\n')
      .map((l) => l.replace(',2023-01,', ',Jan-23,'))
      .join('\r\n') +
    '\r\n'
  const saved = await upload(excel, undefined, '?dryRun=true')
  t.equal(saved.statusCode, 200, saved.body)
  t.match(saved.json(), { months: ['2023-01'], rowsRead: 719, rowsCounted: published.json().rowsCounted, warnings: [] })
  const oldMac = january.trimEnd().split('\n').join('\r')
  const cr = await upload(oldMac, undefined, '?dryRun=true')
  t.match(cr.json(), { rowsRead: 719, rowsCounted: published.json().rowsCounted }, 'CR alone ends a line too')
  const headerOnly = await upload(january.split('\n')[0]!)
  t.equal(headerOnly.statusCode, 201)
  t.match(headerOnly.json().warnings, [/a header and no rows/])
  // A month the file cannot date: the warning says so, not "another force".
  const undated = [
    january.split('\n')[0],
    ...january
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.replace(',2023-01,', ',01.2023,')),
  ].join('\n')
  const unread = await upload(undated, undefined, '?dryRun=true')
  t.match(unread.json().warnings, [
    /719 of the file's 719 rows cannot be read \(line 2: its date "01\.2023" is not a date\)/,
  ])

  // Zeroing or moving a standing month is said.
  await upload(january)
  const asb = Number((await measurement('LOCAL ASB', '2023-01')).value)
  t.ok(asb > 0)
  const noAsb = january
    .trimEnd()
    .split('\n')
    .filter((l) => !l.includes(',Anti-social behaviour,'))
    .join('\n')
  const zeroing = await upload(noAsb, undefined, '?dryRun=true')
  t.match(zeroing.json().warnings, [new RegExp(`standing counts become 0 \\(2023-01 ${asb} -> 0`)])
})

t.test('every skip reason, malformed rows by line, and the mapping’s month range', async (t) => {
  const { upload, officer, ctx, mapping } = await setup(t)
  const header = january.split('\n')[0]
  const row = (month: string, lsoa: string, type: string) =>
    `,${month},City of London Police,City of London Police,-0.1,51.5,On or near X,${lsoa},City of London 001F,${type},,`
  const file = [
    header,
    row('2023-04', 'E01032739', 'Anti-social behaviour'), // line 2: counted
    row('2023-04', '', 'Drugs'), // 3: no location
    row('2023-04', 'E01000914', 'Drugs'), // 4: outside (Camden)
    row('2023-04', 'E01032739', 'Drugs'), // 5: not mapped
    'a,row,with,too,few,fields', // 6: malformed
    row('Someday 2023', 'E01032739', 'Burglary'), // 7: malformed date
    row('2022-12', 'E01032739', 'Burglary'), // 8: outside the range set below
    // 9: a quote opened and never closed: unreadable, but only to the end of the file, so it comes last
    `,2023-04,City of London Police,City of London Police,-0.1,51.5,"On or near X,E01032739,L,Robbery,,`,
  ].join('\n')
  const changed = await ctx.app.inject({
    method: 'PATCH',
    url: `/partnerships/city/feeds/${mapping.id}`,
    headers: { ...officer, 'if-match': '*' },
    payload: { fromMonth: '2023-01' },
  })
  t.equal(changed.statusCode, 200)
  const res = await upload(file)
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), {
    rowsRead: 8,
    rowsCounted: 1,
    skipped: { malformed: 3, outsideRange: 1, noLocation: 1, outsidePartnership: 1, notMapped: 1 },
    months: ['2023-04'],
  })
  t.same(
    res.json().malformed.map((m: { line: number }) => m.line),
    [6, 7, 9],
    'malformed rows listed by their line (the header is line 1)',
  )
  t.match(res.json().malformed[0].problem, /has 6 fields where the header has 12/)
  t.match(res.json().malformed[1].problem, /"Someday 2023" is not a date/)
})

t.test('who may import: the agency that supplies the indicators, not another', async (t) => {
  const { ctx, upload, police, fire } = await setup(t)
  const policeFeed = await ctx.as('officer', 'city', {
    sub: 'feed@police',
    memberships: [{ partnership: 'city', role: 'officer', agency: police.id }],
  })
  const fireFeed = await ctx.as('officer', 'city', {
    sub: 'feed@fire',
    memberships: [{ partnership: 'city', role: 'officer', agency: fire.id }],
  })
  const viewer = await ctx.as('viewer', 'city')
  t.equal((await upload(january, policeFeed)).statusCode, 201, "the police feed imports the police's file")
  const refused = await upload(january, fireFeed)
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'FEED.AGENCY')
  t.match(refused.json().detail, /does not supply LOCAL ASB/)
  t.equal((await upload(january, viewer)).statusCode, 403, 'a viewer imports nothing')
  const other = await upload(january, await ctx.as('officer', 'lincs'))
  t.equal(other.statusCode, 404, "another partnership's mapping does not exist for it")
})

t.test(
  "a police API key imports the police's file as the police feed; revoked, it is refused at once; rotated, both work for the overlap",
  async (t) => {
    const { ctx, admin, call, upload, police } = await setup(t)
    const created = await call('POST', 'api-keys', admin, { agencyId: police.id, name: 'Police data warehouse' })
    t.equal(created.statusCode, 201, created.body)
    const key = created.json()
    t.match(key.key, /^spk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/, 'the key, shown once')
    const bearer = (k: string) => ({ authorization: `Bearer ${k}` })
    const read = await call('GET', `api-keys/${key.id}`, admin)
    t.equal(read.json().key, undefined, 'never shown again')

    const imported = await upload(january, bearer(key.key))
    t.equal(imported.statusCode, 201, imported.body)
    const asFeed = await call('POST', 'areas', bearer(key.key), { name: 'Elsewhere', type: 'district' })
    t.equal(asFeed.statusCode, 403, "with the feed's rights only")
    const elsewhere = await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/lincs/areas',
      headers: bearer(key.key),
    })
    t.equal(elsewhere.statusCode, 404, 'in its own partnership only')
    const used = (await call('GET', `api-keys/${key.id}`, admin)).json()
    t.type(used.lastUsedAt, 'string', 'its last use is kept')
    const audit = (await call('GET', `audit-events?actor=apikey:${key.id}`, admin)).json()
    t.ok(audit.items.length > 0, 'what it wrote is audited under the key')

    const wrong = `${key.key.slice(0, -4)}AAAA`
    t.equal((await upload(january, bearer(wrong))).statusCode, 401, 'a wrong secret is refused')

    const rotated = await call('POST', `api-keys/${key.id}/rotate`, admin, { overlapHours: 1 })
    t.equal(rotated.statusCode, 201, rotated.body)
    const next = rotated.json()
    t.equal(next.replaces, key.id)
    t.equal((await upload(february, bearer(key.key))).statusCode, 201, 'the old key works during the overlap')
    t.equal((await upload(march, bearer(next.key))).statusCode, 201, 'and so does the new one')
    const old = (await call('GET', `api-keys/${key.id}`, admin)).json()
    t.ok(Date.parse(old.expiresAt) <= Date.now() + 3_600_000, 'the old key now ends with the overlap')

    const revoke = await call(
      'PATCH',
      `api-keys/${key.id}`,
      { ...admin, 'if-match': `"${old.version}"` },
      { revoked: true },
    )
    t.equal(revoke.statusCode, 200, revoke.body)
    const refused = await upload(january, bearer(key.key))
    t.equal(refused.statusCode, 401, 'revoked: refused at once on this instance')
    t.equal(refused.json().code, 'AUTH.UNAUTHENTICATED')
    const again = await call('POST', `api-keys/${key.id}/rotate`, admin, {})
    t.equal(again.statusCode, 409, 'a revoked key is not rotated')
    t.equal(again.json().code, 'API_KEY.INACTIVE')
    t.equal((await call('GET', 'api-keys', bearer(next.key))).statusCode, 403, 'a key does not manage keys')
  },
)

t.test('the LFB preset counts fire incidents into NI 33 by ward', async (t) => {
  const { ctx, admin, call, post, fire } = await setup(t)
  const presets = (await call('GET', 'feed-presets', admin)).json().items
  const lfb = presets.find((p: { kind: string }) => p.kind === 'incidents')
  t.match(lfb, { dateColumn: 'DateOfCall', locationColumn: 'IncGeo_WardCode' })
  for (const reference of ['NI 33(i)', 'NI 33(ii)'])
    await post('indicators', {
      reference,
      name: reference,
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
      sourceAgencyId: fire.id,
    })
  const city = (await call('GET', 'areas?code=E09000001', admin)).json().items[0]
  const wards: Record<string, string> = {}
  for (const [code, name] of [
    ['E05009288', 'Aldersgate'],
    ['E05009289', 'Aldgate'],
    ['E05009290', 'Bassishaw'],
    ['E05009291', 'Billingsgate'],
  ] as const)
    wards[code] = (await post('areas', { name, type: 'ward', code, parentId: city.id })).id
  const mapping = await post('feeds', {
    kind: lfb.kind,
    dateColumn: lfb.dateColumn,
    locationColumn: lfb.locationColumn,
    rules: lfb.rules,
    name: 'LFB incidents',
    agencyId: fire.id,
  })
  await ctx.app.inject({
    method: 'PUT',
    url: `/partnerships/city/feeds/${mapping.id}/locations`,
    headers: { ...admin, 'if-match': '*' },
    payload: Object.keys(wards).map((code) => ({ location: code, area: code })),
  })
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/partnerships/city/feeds/${mapping.id}/imports`,
    headers: { ...admin, 'content-type': 'text/csv' },
    payload: LFB,
  })
  t.equal(res.statusCode, 201, res.body)
  // A direct count of the sample: fires by month, ward and stop code (Hackney's ward is outside the City).
  const rows = parse(LFB, { columns: true }) as Array<Record<string, string>>
  const expected = (stop: string, ward: string, month: string) =>
    rows.filter(
      (r) =>
        r.IncidentGroup === 'Fire' &&
        r.StopCodeDescription === stop &&
        r.IncGeo_WardCode === ward &&
        r.DateOfCall!.slice(3) === `${month} 2023`,
    ).length
  t.match(res.json(), {
    months: ['2023-01', '2023-02', '2023-03'],
    skipped: { malformed: 1, noLocation: 1 },
    inserted: 2 * 4 * 3,
  })
  for (const [code, id] of Object.entries(wards))
    for (const [month, name] of [
      ['2023-01', 'Jan'],
      ['2023-03', 'Mar'],
    ])
      for (const [reference, stop] of [
        ['NI 33(i)', 'Primary Fire'],
        ['NI 33(ii)', 'Secondary Fire'],
      ]) {
        const m = (await call('GET', `measurements/${encodeURIComponent(reference!)}/${id}/${month}`, admin)).json()
        t.equal(m.value, String(expected(stop!, code, name!)), `${reference} ${code} ${month}`)
      }
  // The City itself has no figures of its own: evaluation rolls its wards up.
  const evaluated = await call('GET', `evaluation?period=2023-03&areaId=${city.id}`, admin)
  const ni33 = evaluated
    .json()
    .items.find((i: { indicator: { reference: string } }) => i.indicator.reference === 'NI 33(i)')
  t.match(ni33, { rolledUp: true })
  t.equal(
    ni33.evaluation.actual.period,
    Object.keys(wards).reduce((n, code) => n + expected('Primary Fire', code, 'Mar'), 0),
    "the City's March primary fires are its wards' together",
  )
})

t.test('a generated file of known totals, streamed: counts exact, memory flat', async (t) => {
  const { upload, measurement } = await setup(t)
  const TYPES = ['Anti-social behaviour', 'Burglary', 'Drugs', 'Shoplifting', 'Vehicle crime', 'Robbery', 'Other theft']
  const header = january.split('\n')[0]
  // What the heap holds on to while the file streams through, after a collection (garbage apart),
  // measured by the generator itself as the import pulls each piece: the import runs on microtasks, which
  // a timer would not interrupt.
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed === undefined) throw new Error('run with --expose-gc (.taprc gives it)')
  const gc: () => void = exposed
  /** A file of `rows` rows, generated as it is read: never held whole. */
  function generated(rows: number, seed: number) {
    const random = mulberry32(seed)
    const totals = new Map<string, number>()
    const held = { before: 0, peak: 0 }
    let emitted = 0
    const stream = Readable.from(
      (function* () {
        gc()
        held.before = process.memoryUsage().heapUsed
        yield `${header}\n`
        while (emitted < rows) {
          const lines: string[] = []
          for (let i = 0; i < 2000 && emitted < rows; i++, emitted++) {
            const type = TYPES[Math.floor(random() * TYPES.length)]!
            const lsoa = random() < 0.8 ? CITY_LSOAS[Math.floor(random() * CITY_LSOAS.length)]! : 'E01000914'
            if (lsoa !== 'E01000914') totals.set(type, (totals.get(type) ?? 0) + 1)
            lines.push(`x,2023-05,City of London Police,City of London Police,0,0,On or near X,${lsoa},L,${type},,`)
          }
          if (emitted % 20_000 === 0) {
            gc()
            held.peak = Math.max(held.peak, process.memoryUsage().heapUsed - held.before)
          }
          yield `${lines.join('\n')}\n`
        }
      })(),
    )
    return { stream, totals, held }
  }
  const peakDuring = async (rows: number, seed: number) => {
    const { stream, totals, held } = generated(rows, seed)
    const res = await upload(stream)
    t.equal(res.statusCode, 201, res.body.slice(0, 300))
    return { grew: held.peak, totals, run: res.json() }
  }
  const small = await peakDuring(20_000, 1)
  const large = await peakDuring(300_000, 2)
  t.equal(large.run.rowsRead, 300_000)
  const byType = (totals: Map<string, number>, types: string[]) => types.reduce((n, ty) => n + (totals.get(ty) ?? 0), 0)
  for (const [reference, types] of Object.entries(MAPPED))
    t.equal(
      (await measurement(reference, '2023-05')).value,
      String(byType(large.totals, types)),
      `${reference}: the generator's own total`,
    )
  // 300,000 rows held as objects would keep well over 100 MB; streamed, what is kept stays flat.
  t.ok(
    large.grew - small.grew < 24 * 1024 * 1024,
    `heap grew ${Math.round(small.grew / 2 ** 20)} MiB for 20,000 rows and ${Math.round(large.grew / 2 ** 20)} MiB for 300,000`,
  )
})

t.test('a month that has not ended yet is refused as its row, and the import writes nothing', async (t) => {
  const { upload, ctx } = await setup(t)
  const header = january.split('\n')[0]
  const row = (month: string) =>
    `,${month},City of London Police,City of London Police,-0.1,51.5,On or near X,E01032739,City of London 001F,Burglary,,`
  const res = await upload([header, row('2023-04'), row('2031-01')].join('\n'))
  t.equal(res.statusCode, 422, res.body)
  t.match(res.json().errors, [{ message: /has not ended yet: it ends on 2031-01-31/ }])
  const written = await ctx.db
    .selectFrom('measurement')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  t.equal(Number(written.n), 0, 'not even the month that had ended')
})

t.test('an import lists the counts that look unlike their history, and keeps them with its summary', async (t) => {
  const { upload, call, officer, measurement, police } = await setup(t)
  for (const file of [january, february, march]) t.equal((await upload(file)).statusCode, 201)
  t.equal(
    (await measurement('LOCAL ASB', '2023-01')).agencyId,
    police.id,
    "an officer's import of the force's file through its mapping: the force's figure",
  )
  const most = Math.max(...[january, february, march].map((f) => directCount(f, CITY_LSOAS).byIndicator['LOCAL ASB']!))
  const header = january.split('\n')[0]
  // An April with more than three times the busiest month's anti-social behaviour: a file sent twice over, say.
  const row = `,2023-04,City of London Police,City of London Police,-0.1,51.5,On or near X,E01032739,City of London 001F,Anti-social behaviour,,`
  const res = await upload([header, ...Array<string>(3 * most + 1).fill(row)].join('\n'))
  t.equal(res.statusCode, 201, 'told, not refused')
  t.match(res.json().outliers, [
    { period: '2023-04', figure: 'value', rule: 'above_previous_max', sent: 3 * most + 1, high: 3 * most },
  ])
  const kept = await call('GET', `feeds/${res.json().mappingId}/imports/${res.json().id}`, officer)
  t.same(kept.json().outliers, res.json().outliers, 'kept with the import')
})
