import { parse as csvParser } from 'csv-parse'
import { parse as parseCsv } from 'csv-parse/sync'
import { createHash } from 'node:crypto'
import { Writable, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Db } from '../../db/client.js'
import type { Actor } from '../../domain/access.js'
import { DomainError, notFound, type FieldError, type ProblemKind } from '../../domain/errors.js'
import { isPoliceForce, type FeedLayout } from '../../domain/feeds/layout.js'
import { startTally, type Tally } from '../../domain/feeds/tally.js'
import { restored } from '../../http/csv.js'
import { recordEvent } from '../events/events.repository.js'
import { recordAudit } from '../audit/audit.repository.js'
import { boundedChunks, MAX_ROW_BYTES, recordLines, type BulkBodyLimits, type CsvInfo } from '../../http/bulk-body.js'
import {
  createMeasurementService,
  type BulkResult,
  type Tenant,
  type Writer,
} from '../measurements/measurements.service.js'
import { lookups } from '../measurements/measurements.repository.js'
import type { Outlier } from '../findings/findings.repository.js'
import type { Violation } from '../validation/validation.service.js'
import { checkIfMatch, createResourceService, withView, type WriteHooks } from '../resource/resource.service.js'
import { findRecord, type Row, type Scope } from '../resource/resource.repository.js'
import {
  agencyName,
  feedIndicators,
  feedMappingSpec,
  findImport,
  insertImport,
  listImports,
  listLocations,
  locationCounts,
  replaceLocations,
  sameFile,
  standingCounts,
  touchMapping,
} from './feeds.repository.js'

/** What a police.uk street-level file is dated and placed by. */
const POLICE_UK = { dateColumn: 'Month', locationColumn: 'LSOA code' }
/** Whose a police.uk row is: the force that recorded it, and the force area it falls within. */
const POLICE_UK_FORCE_COLUMNS = ['Reported by', 'Falls within']
/** An import that moves a standing count by more than this factor, up or down, says so. */
export const CHANGE_FACTOR = 3
/** A lookup holds a district's LSOAs (about 80) or a county's; 50,000 is every LSOA in England over again. */
export const MAX_LOCATIONS = 50_000

/** How an import reads a file as published; bench:feeds reads its floor with the same. */
export const FEED_CSV_OPTIONS = {
  bom: true,
  skip_empty_lines: true,
  // Any line ending, even mixed (an old Mac's CR alone too): csv-parse would otherwise take the first
  // line's for the whole file.
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_column_count: true,
  relax_quotes: true,
  skip_records_with_error: true,
  max_record_size: MAX_ROW_BYTES,
}

/** A rule as the API shows it: column names to the values that count. */
interface Rule {
  indicatorId: string
  where: Record<string, string[]>
}
/**
 * A rule as stored: its columns as values, not keys (column names such as IncGeo_WardCode would otherwise
 * be renamed on the way back by the camel-case mapping of the database layer).
 */
interface StoredRule {
  indicatorId: string
  where: Array<{ column: string; values: string[] }>
}
const stored = (rule: Rule): StoredRule => ({
  indicatorId: rule.indicatorId,
  where: Object.entries(rule.where).map(([column, values]) => ({ column, values })),
})
const shown = (rule: StoredRule): Rule => ({
  indicatorId: rule.indicatorId,
  where: Object.fromEntries(rule.where.map((w) => [w.column, w.values])),
})
type Indicators = Awaited<ReturnType<typeof feedIndicators>>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A feed counts rows into months, so its indicators are monthly counts that sum. */
function countable(indicator: Indicators[number]): boolean {
  return indicator.unit === 'count' && indicator.aggregation === 'sum' && indicator.frequency === 'monthly'
}

/** Rules as sent (an indicator by id or reference) to rules as kept (by id); refuses what a feed cannot count into. */
function settleRules(
  sent: ReadonlyArray<{ indicator: string; where: Record<string, string[]> }>,
  indicators: Indicators,
) {
  const errors: FieldError[] = []
  const rules = sent.map((rule, i): StoredRule | undefined => {
    const found = indicators.find((x) =>
      UUID.test(rule.indicator) ? x.id === rule.indicator.toLowerCase() : x.reference === rule.indicator,
    )
    if (found === undefined)
      errors.push({ field: `body.rules.${i}.indicator`, message: 'names no indicator of this partnership' })
    else if (!countable(found))
      errors.push({
        field: `body.rules.${i}.indicator`,
        message: `${found.reference} is a ${found.frequency} ${found.unit}: a feed counts rows into monthly counts`,
      })
    else return stored({ indicatorId: found.id, where: rule.where })
    return undefined
  })
  if (errors.length > 0)
    throw new DomainError(
      'FEED.INDICATOR',
      'unprocessable',
      'A rule names an indicator a feed cannot count into.',
      errors,
    )
  return rules as StoredRule[]
}

const hooks: WriteHooks<'feedMapping'> = {
  async beforeWrite(trx, scope, values, existing) {
    const kind = (values.kind ?? existing?.kind) as 'police_uk' | 'incidents'
    const settled: Record<string, unknown> = { ...values }
    // A police.uk file is always dated by Month and placed by LSOA code; an incident file says by what.
    for (const column of ['dateColumn', 'locationColumn'] as const) {
      const value = values[column] ?? existing?.[column] ?? (kind === 'police_uk' ? POLICE_UK[column] : undefined)
      if (value === undefined)
        throw new DomainError('FEED.LAYOUT', 'unprocessable', `An incidents mapping names its ${column}.`, [
          { field: `body.${column}`, message: 'is required for incidents' },
        ])
      settled[column] = value
    }
    if (values.rules !== undefined)
      // JSONB wants the JSON text (pg would send a JS array as a Postgres array).
      settled.rules = JSON.stringify(settleRules(values.rules as never, await feedIndicators(trx, scope.partnershipId)))
    const from = (values.fromMonth !== undefined ? values.fromMonth : existing?.fromMonth) ?? null
    const to = (values.toMonth !== undefined ? values.toMonth : existing?.toMonth) ?? null
    if (from !== null && to !== null && from > to)
      throw new DomainError('FEED.RANGE', 'unprocessable', 'fromMonth comes after toMonth.', [
        { field: 'body.toMonth', message: 'must not come before fromMonth' },
      ])
    return settled
  },
}

/** An import run as answered: one kept, or what a dry run would have kept (no id, no time). */
export type ImportRun = Omit<Awaited<ReturnType<typeof insertImport>>, 'id' | 'createdAt'> & {
  id: string | null
  createdAt: Date | null
  dryRun?: boolean
}

export type FeedMapping = Row<'feedMapping'> & {
  rules: Array<Rule & { reference: string }>
  locations: number
  areas: number
}

/** What a locations body holds: a code and an area (by code or id), with its line for a CSV. */
export interface LocationRow {
  location: string
  area: string
  line?: number
}

export function createFeedService(db: Db) {
  const base = createResourceService(db, feedMappingSpec, hooks)
  // Answered with each rule's indicator reference beside its id, and how much its lookup holds.
  const mappings = withView(
    base,
    async (scope, rows): Promise<FeedMapping[]> => {
      const [indicators, counts] = await Promise.all([
        feedIndicators(db, scope.partnershipId),
        locationCounts(
          db,
          scope.partnershipId,
          rows.map((r) => r.id),
        ),
      ])
      const reference = new Map(indicators.map((i) => [i.id, i.reference]))
      return rows.map((row) => ({
        ...row,
        rules: (row.rules as StoredRule[]).map((r) => ({ ...shown(r), reference: reference.get(r.indicatorId) ?? '' })),
        ...(counts.get(row.id) ?? { locations: 0, areas: 0 }),
      }))
    },
    { keys: [], wanted: () => true },
  )
  const measurements = createMeasurementService(db)

  /** The mapping, its indicators and its lookup, checked as an import needs them; refuses what cannot be imported. */
  async function readyToImport(scope: Scope, writer: Writer, mappingId: string) {
    const mapping = await base.get(scope, mappingId)
    if (mapping.archived)
      throw new DomainError('FEED.ARCHIVED', 'conflict', 'This mapping is archived: unarchive it to import through it.')
    const indicators = await feedIndicators(db, scope.partnershipId)
    const rules = (mapping.rules as StoredRule[]).map(shown)
    const named = rules.map((r) => indicators.find((i) => i.id === r.indicatorId))
    if (named.some((i) => i === undefined || !countable(i)))
      throw new DomainError(
        'FEED.INDICATOR',
        'unprocessable',
        'An indicator this mapping counts into is gone or is no longer a monthly count: change its rules first.',
      )
    // A partner agency's feed token imports only into what its agency supplies, as its rows would be.
    if (writer.agency !== undefined) {
      const others = named.filter((i) => i!.sourceAgencyId !== writer.agency).map((i) => i!.reference)
      if (others.length > 0 || (mapping.agencyId !== null && mapping.agencyId !== writer.agency))
        throw new DomainError(
          'FEED.AGENCY',
          'forbidden',
          others.length > 0
            ? `Your agency does not supply ${[...new Set(others)].join(', ')}, which this mapping counts into.`
            : "This mapping is another agency's.",
        )
    }
    const locations = new Map(
      (await listLocations(db, scope.partnershipId, mappingId)).map((l) => [l.location, l.areaId]),
    )
    if (locations.size === 0)
      throw new DomainError(
        'FEED.NO_LOCATIONS',
        'unprocessable',
        'This mapping has no location lookup yet: PUT its locations (location,area) first, or nothing could be placed.',
      )
    // A police.uk file names the force of every row: a mapping of a force's (its agency, or the token's)
    // counts that force's rows only, since forces' files include their neighbours' LSOAs.
    const agencyId = mapping.agencyId ?? writer.agency ?? null
    const force = agencyId === null ? null : await agencyName(db, scope.partnershipId, agencyId)
    const layout: FeedLayout = {
      dateColumn: mapping.dateColumn,
      locationColumn: mapping.locationColumn,
      rules,
      fromMonth: mapping.fromMonth,
      toMonth: mapping.toMonth,
      owner:
        mapping.kind === 'police_uk' && force !== null && isPoliceForce(force)
          ? { columns: POLICE_UK_FORCE_COLUMNS, name: force }
          : null,
    }
    return { mapping, layout, locations, force }
  }

  /**
   * Reads a file as it streams in and counts it: nothing is held but the counts (and the malformed rows
   * listed), so a force's month of 100,000 rows costs what its counts cost. csv-parse reads the records;
   * a record it cannot read at all (a stray quote) is skipped and counted as malformed, by its line.
   */
  async function tallyFile(body: Readable, limits: BulkBodyLimits, layout: FeedLayout, locations: Map<string, string>) {
    const file = createHash('sha256')
    let bytes = 0
    const lineOf = recordLines(1)
    let tally: ReturnType<typeof startTally> | undefined
    const unreadable: Array<{ line: number; problem: string }> = []
    // Each record is counted inside the parser as it is read (on_record) and dropped: nothing is queued
    // between the parser and a reader, and no object is made per row beyond the row itself.
    const count = (record: string[], info: CsvInfo): null => {
      const line = lineOf(info)
      // An export that neutralised a formula-like cell comes back as it was published.
      for (let i = 0; i < record.length; i++) if (record[i]!.startsWith("'")) record[i] = restored(record[i]!)
      if (tally !== undefined) tally.add(record, line)
      else if (unreadable.length > 0) throw badFile(`its header cannot be read as CSV (${unreadable[0]!.problem})`)
      else tally = startTally(layout, record, locations)
      return null
    }
    const parser = csvParser({
      ...FEED_CSV_OPTIONS,
      on_record: count as never,
      on_skip: (err: (Error & { lines?: number }) | undefined) => {
        const problem = { line: err?.lines ?? 0, problem: `cannot be read as CSV: ${err?.message ?? 'unreadable'}` }
        if (tally === undefined) unreadable.push(problem)
        else tally.unreadable(problem.line, problem.problem)
      },
    })
    async function* counted() {
      for await (const chunk of boundedChunks(body, limits, file)) {
        bytes += chunk.length
        yield chunk
      }
    }
    try {
      await pipeline(counted(), parser, new Writable({ objectMode: true, write: (_row, _encoding, done) => done() }))
    } catch (err) {
      if (err instanceof DomainError) throw err
      throw badFile(`it cannot be read as CSV: ${(err as Error).message}`)
    }
    if (tally === undefined) throw badFile('it is empty: a file starts with its header row')
    return { tally: tally.finish(), sha256: file.digest('hex'), bytes }
  }

  /** Counts that would zero a standing figure, or move it past CHANGE_FACTOR either way: said, not refused. */
  async function changeWarnings(partnershipId: string, tally: Tally): Promise<string[]> {
    if (tally.counts.length === 0) return []
    const standing = await standingCounts(db, partnershipId, {
      indicatorId: tally.counts.map((c) => c.indicatorId),
      areaId: tally.counts.map((c) => c.areaId),
      period: tally.counts.map((c) => c.month),
    })
    const before = new Map(standing.map((m) => [`${m.indicatorId}|${m.areaId}|${m.period}`, Number(m.value)]))
    const zeroed: string[] = []
    const moved: string[] = []
    for (const c of tally.counts) {
      const was = before.get(`${c.indicatorId}|${c.areaId}|${c.month}`)
      if (was === undefined || was === c.value) continue
      const change = `${c.month} ${was} -> ${c.value}`
      if (c.value === 0 && was > 0) zeroed.push(change)
      else if (was > 0 && (c.value > was * CHANGE_FACTOR || c.value * CHANGE_FACTOR < was)) moved.push(change)
    }
    const some = (list: string[]) =>
      `${list.slice(0, 5).join('; ')}${list.length > 5 ? `; and ${list.length - 5} more` : ''}`
    return [
      ...(zeroed.length > 0
        ? [`${zeroed.length} standing counts become 0 (${some(zeroed)}): is the file complete, and the force's own?`]
        : []),
      ...(moved.length > 0
        ? [`${moved.length} counts move by more than ${CHANGE_FACTOR} times their standing figure (${some(moved)}).`]
        : []),
    ]
  }

  /** The import itself (`import` tells other systems of a refusal). */
  async function importFile(
    tenant: Tenant,
    writer: Writer,
    mappingId: string,
    body: Readable,
    options: { limits: BulkBodyLimits; dryRun: boolean; key?: string; fileName: string | null },
  ) {
    const started = performance.now()
    const scope = { partnershipId: tenant.id, yearStartMonth: tenant.financialYearStartMonth }
    const { mapping, layout, locations, force } = await readyToImport(scope, writer, mappingId)
    const { tally, sha256, bytes } = await tallyFile(body, options.limits, layout, locations)
    const readable = tally.rowsRead - tally.skipped.malformed
    if (layout.owner && readable > 0 && tally.skipped.otherForce * 2 > readable)
      throw new DomainError(
        'FEED.OTHER_FORCE',
        'unprocessable',
        `${tally.skipped.otherForce} of the file's ${readable} readable rows are another force's (${tally.otherForces.join(', ')}), and this mapping is ${force}'s: nothing was written. Import the file through that force's mapping, or name this mapping's agency as police.uk names the force.`,
        [{ field: 'body', message: `rows of ${tally.otherForces.join(', ')}` }],
      )
    const earlier = await sameFile(db, tenant.id, mappingId, sha256)
    const warnings = [...warningsOf(tally, earlier), ...(await changeWarnings(tenant.id, tally))]
    const source = `${mapping.name}: ${options.fileName ?? 'an upload'}`.slice(0, 200)
    async function* rows() {
      for (const c of tally.counts)
        yield { indicator: c.indicatorId, area: c.areaId, period: c.month, value: String(c.value), source }
    }
    const run = (written: BulkResult) => ({
      mappingId,
      fileName: options.fileName,
      sha256,
      bytes,
      agencyId: writer.agency ?? null,
      importedBy: writer.subject,
      months: tally.months,
      rowsRead: tally.rowsRead,
      rowsCounted: tally.rowsCounted,
      skipped: tally.skipped,
      malformed: tally.malformed,
      malformedTruncated: tally.malformedTruncated,
      inserted: written.inserted,
      updated: written.updated,
      unchanged: written.unchanged,
      // A broken validation rule is told among the warnings (a feed's counts are never refused for one
      // unless the partnership is strict, and then the import is refused whole).
      warnings: [
        ...warnings,
        ...((written.violations ?? []) as Violation[]).map((v) => `${v.period}: ${v.description}`),
      ],
      outliers: (written.outliers ?? []) as Outlier[],
      sameFileAs: earlier,
      durationMs: Math.round(performance.now() - started),
    })
    // The same key and the same file through the same mapping (a dry run apart) is a retry.
    const digest = createHash('sha256').update(`${mappingId}\n${options.dryRun}\n${sha256}`).digest('hex')
    const answer = await measurements.bulk(
      tenant,
      writer,
      { rows: rows(), digest: () => digest },
      {
        partial: false,
        dryRun: options.dryRun,
        ...(options.key === undefined ? {} : { key: options.key }),
        record: async (trx, written) => {
          const kept = await insertImport(trx, tenant.id, { ...run(written), requestId: writer.requestId })
          await recordAudit(trx, writer, {
            partnershipId: tenant.id,
            action: 'create',
            resourceType: 'feed import',
            resourceId: kept.id,
            before: null,
            after: kept,
          })
          return { import: kept }
        },
      },
      // The file is the mapping's agency's, whoever uploads it.
      mapping.agencyId ?? writer.agency ?? null,
    )
    if (answer.status === 422)
      throw new DomainError(
        'FEED.REFUSED',
        'unprocessable',
        'The counts could not be written (each refusal says why: a month not ended yet, or an indicator or area changed under the mapping). Nothing was written.',
        answer.body.errors,
      )
    const kept = (answer.body as BulkResult & { import?: ImportRun }).import
    const answered: ImportRun = kept ?? { id: null, ...run(answer.body), dryRun: true, createdAt: null }
    return { replayed: answer.replayed, run: answered }
  }

  /** A refused import wrote nothing, but is told to other systems: the event is its own small write. */
  async function importRefused(partnershipId: string, mappingId: string, fileName: string | null, err: unknown) {
    if (!(err instanceof DomainError) || !REFUSALS.has(err.kind)) return
    await db.transaction().execute((trx) =>
      recordEvent(trx, partnershipId, 'feed.import_refused', {
        mappingId,
        fileName,
        code: err.code,
        detail: err.message,
        refusedRows: err.errors?.length ?? 0,
      }),
    )
  }

  return {
    mappings,

    async locations(scope: Scope, mappingId: string) {
      const mapping = await base.get(scope, mappingId)
      const items = await listLocations(db, scope.partnershipId, mappingId)
      return {
        mappingId,
        version: mapping.version,
        locations: items.length,
        areas: new Set(items.map((i) => i.areaId)).size,
        items,
      }
    },

    /** Replaces a mapping's lookup; every area must be the partnership's, every code once. */
    async replaceLocations(
      scope: Scope,
      actor: Actor,
      mappingId: string,
      ifMatch: string | undefined,
      rows: LocationRow[],
    ) {
      if (rows.length > MAX_LOCATIONS)
        throw new DomainError(
          'FEED.TOO_MANY_LOCATIONS',
          'payload-too-large',
          `A lookup holds at most ${MAX_LOCATIONS} codes.`,
          undefined,
          { facts: { limit: MAX_LOCATIONS } },
        )
      return db.transaction().execute(async (trx) => {
        // Read and locked in the transaction: a second connection taken here would wait on a busy pool.
        const mapping = await findRecord(trx, feedMappingSpec, scope, mappingId, true)
        if (mapping === undefined) throw notFound(feedMappingSpec.type)
        checkIfMatch(ifMatch, mapping.version)
        const { areas } = await lookups(trx, scope.partnershipId)
        const byName = new Map<string, string>()
        for (const area of areas) {
          byName.set(area.id, area.id)
          if (area.code !== null) byName.set(area.code, area.id)
        }
        const errors: FieldError[] = []
        const seen = new Map<string, number>()
        const codes: string[] = []
        const areaIds: string[] = []
        rows.forEach((row, i) => {
          const at = `rows.${i + 1}`
          const line = row.line === undefined ? {} : { line: row.line }
          const code = row.location.trim().toUpperCase()
          const area = byName.get(row.area.trim()) ?? byName.get(row.area.trim().toLowerCase())
          if (code === '' || code.length > 40)
            errors.push({
              field: `${at}.location`,
              message: 'must be a code of 1 to 40 characters',
              value: row.location,
              ...line,
            })
          else if (seen.has(code))
            errors.push({
              field: `${at}.location`,
              message: `repeats row ${seen.get(code)}`,
              value: row.location,
              ...line,
            })
          if (area === undefined)
            errors.push({ field: `${at}.area`, message: 'names no area of this partnership', value: row.area, ...line })
          if (code !== '' && !seen.has(code)) seen.set(code, i + 1)
          codes.push(code)
          areaIds.push(area ?? '')
        })
        if (errors.length > 0)
          throw new DomainError(
            'FEED.LOCATIONS',
            'unprocessable',
            `${errors.length} of ${rows.length} rows were refused, so the lookup was not changed.`,
            errors.slice(0, 1000),
          )
        await replaceLocations(trx, scope.partnershipId, mappingId, { codes, areaIds })
        const { version } = await touchMapping(trx, scope.partnershipId, mappingId)
        await recordAudit(trx, actor, {
          partnershipId: scope.partnershipId,
          action: 'update',
          resourceType: feedMappingSpec.type,
          resourceId: mappingId,
          before: { version: mapping.version },
          after: { version, locations: codes.length, areas: new Set(areaIds).size },
        })
        return { mappingId, version, locations: codes.length, areas: new Set(areaIds).size }
      })
    },

    /**
     * Imports one file through a mapping: counts it as it streams in (no connection is held meanwhile),
     * then writes the counts as measurements through the bulk write path (revisions, provisional status,
     * agency scoping, idempotency) and keeps the import run, all in one transaction. A dry run counts,
     * checks and writes, then takes it all back.
     */
    async import(
      tenant: Tenant,
      writer: Writer,
      mappingId: string,
      body: Readable,
      options: { limits: BulkBodyLimits; dryRun: boolean; key?: string; fileName: string | null },
    ) {
      try {
        return await importFile(tenant, writer, mappingId, body, options)
      } catch (err) {
        if (!options.dryRun) await importRefused(tenant.id, mappingId, options.fileName, err)
        throw err
      }
    },

    async listImports(
      scope: Scope,
      mappingId: string,
      page: { limit: number; before?: { createdAt: string; id: string } },
    ) {
      await base.get(scope, mappingId)
      return listImports(db, scope.partnershipId, mappingId, page)
    },

    async getImport(scope: Scope, mappingId: string, id: string) {
      const run = await findImport(db, scope.partnershipId, mappingId, id)
      if (run === undefined) throw notFound('feed import')
      return run
    },
  }
}

export type FeedService = ReturnType<typeof createFeedService>

/** What an import is refused for (the file, its rows), as against who sent it or when (403, 409, 429). */
const REFUSALS = new Set<ProblemKind>(['validation', 'unprocessable', 'payload-too-large', 'unsupported-media-type'])

const badFile = (why: string) => new DomainError('FEED.MALFORMED', 'validation', `The file cannot be imported: ${why}.`)

/** What a reader of the run should know beyond the counts. */
function warningsOf(tally: Tally, earlier: string | null): string[] {
  const warnings: string[] = []
  const { malformed, otherForce, outsidePartnership, noLocation } = tally.skipped
  if (tally.rowsRead === 0) warnings.push('The file has a header and no rows: nothing was counted or written.')
  else if (malformed * 2 > tally.rowsRead)
    warnings.push(
      `${malformed} of the file's ${tally.rowsRead} rows cannot be read (line ${tally.malformed[0]?.line}: ${tally.malformed[0]?.problem}): was it opened and saved in a spreadsheet, or cut short?`,
    )
  else if (tally.rowsInside === 0)
    warnings.push(
      `No row of the file lies in this mapping's locations (${outsidePartnership} outside them, ${noLocation} with no location): nothing was counted or written. Is it another force's file, or another area's?`,
    )
  if (otherForce > 0)
    warnings.push(`${otherForce} rows are another force's (${tally.otherForces.join(', ')}): not counted.`)
  if (earlier !== null)
    warnings.push(
      `This very file (the same SHA-256) was imported before, as ${earlier}: counts that match change nothing.`,
    )
  return warnings
}

/** A locations CSV (location,area, with an lsoa column read as location) as rows with their lines. */
export function locationsFromCsv(text: string): LocationRow[] {
  let records: Array<Record<string, string>>
  try {
    const parsed = parseCsv(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      columns: (header: string[]) =>
        header.map((h) => (h.trim().toLowerCase() === 'lsoa' ? 'location' : h.trim().toLowerCase())),
      info: true,
    }) as unknown as Array<{ record: Record<string, string>; info: CsvInfo }>
    records = parsed.map((r) => ({ ...r.record, line: String(r.info.lines) }))
  } catch (err) {
    throw new DomainError(
      'FEED.MALFORMED',
      'validation',
      `The locations cannot be read as CSV: ${(err as Error).message}.`,
    )
  }
  const first = records[0]
  if (first !== undefined && (!('location' in first) || !('area' in first)))
    throw new DomainError(
      'FEED.MALFORMED',
      'validation',
      'A locations CSV has the columns location (or lsoa) and area.',
    )
  return records.map((r) => ({ location: r.location ?? '', area: r.area ?? '', line: Number(r.line) }))
}
