import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { JsonCsvOrXlsx } from '../../http/xlsx.js'
import { sendTable, wantsTable } from '../partnerships/partnerships.sheet.js'
import { problemResponses } from '../../plugins/problem.js'
import { registerBulkRoute } from '../batch/batch.routes.js'
import type { BulkBodyLimits } from '../../http/bulk-body.js'
import { actorOf, registerResourceRoutes, tenantScope } from '../resource/resource.routes.js'
import { today } from '../../http/clock.js'
import { funnelPlot } from './benchmarking.chart.js'
import {
  COMPARISON_COLUMNS,
  ComparisonQuery,
  ComparisonSchema,
  CreatePeerFigureSchema,
  CreatePeerGroupSchema,
  CreatePeerMemberSchema,
  CreatePopulationSchema,
  FunnelQuery,
  GroupParams,
  PeerFigureFilters,
  PeerFigureSchema,
  PeerGroupSchema,
  PeerMemberFilters,
  PeerMemberSchema,
  PopulationFilters,
  PopulationSchema,
  UpdatePeerFigureSchema,
  UpdatePeerGroupSchema,
  UpdatePeerMemberSchema,
  UpdatePopulationSchema,
} from './benchmarking.schemas.js'
import { createBenchmarkingService, FIGURE_COLUMNS, POPULATION_COLUMNS } from './benchmarking.service.js'

const tags = ['Benchmarking']
const officer = { scope: 'partnership', role: 'officer' } as const
const read = { scope: 'partnership', role: 'viewer' } as const
const comparisonProblems = {
  400: ['PERIOD.INVALID'],
  404: ['PEER_GROUP.NOT_FOUND', 'INDICATOR.NOT_FOUND'],
  422: ['BENCHMARK.INDICATOR', 'PEER_GROUP.TOO_LARGE'],
}

/** Registered under /partnerships/:partnership. */
export const benchmarkingRoutes: FastifyPluginAsyncTypebox<{ upload: BulkBodyLimits }> = async (app, opts) => {
  const service = createBenchmarkingService(app.db)
  const resources = [
    {
      prefix: '/populations',
      service: service.populations,
      ids: ['listPopulations', 'createPopulation', 'getPopulation', 'updatePopulation', 'deletePopulation'],
      names: { one: 'population', many: 'populations' },
      item: PopulationSchema,
      create: CreatePopulationSchema,
      update: UpdatePopulationSchema,
      filters: PopulationFilters,
    },
    {
      prefix: '/peer-groups',
      service: service.groups,
      ids: ['listPeerGroups', 'createPeerGroup', 'getPeerGroup', 'updatePeerGroup', 'deletePeerGroup'],
      names: { one: 'peer group', many: 'peer groups' },
      item: PeerGroupSchema,
      create: CreatePeerGroupSchema,
      update: UpdatePeerGroupSchema,
      filters: {},
    },
    {
      prefix: '/peer-groups/:groupId/members',
      service: service.members,
      ids: ['listPeerMembers', 'createPeerMember', 'getPeerMember', 'updatePeerMember', 'deletePeerMember'],
      names: { one: 'peer member', many: 'peer members' },
      item: PeerMemberSchema,
      create: CreatePeerMemberSchema,
      update: UpdatePeerMemberSchema,
      filters: PeerMemberFilters,
      problems: {
        write: {
          409: ['PEER_MEMBER.OVERLAP'],
          422: ['PEER_MEMBER.CODE', 'PEER_MEMBER.DATES', 'PEER_MEMBER.REFERENCE', 'PEER_GROUP.TOO_LARGE'],
        },
      },
    },
    {
      prefix: '/peer-figures',
      service: service.figures,
      ids: ['listPeerFigures', 'createPeerFigure', 'getPeerFigure', 'updatePeerFigure', 'deletePeerFigure'],
      names: { one: 'peer figure', many: 'peer figures' },
      item: PeerFigureSchema,
      create: CreatePeerFigureSchema,
      update: UpdatePeerFigureSchema,
      filters: PeerFigureFilters,
      problems: {
        write: { 400: ['PERIOD.INVALID', 'PEER_FIGURE.VALUE'], 422: ['BENCHMARK.INDICATOR', 'PEER_FIGURE.REFERENCE'] },
      },
    },
  ] as const
  for (const r of resources)
    await app.register(
      async (scope: typeof app) =>
        registerResourceRoutes(scope, {
          service: r.service as never,
          operationIds: { list: r.ids[0], create: r.ids[1], get: r.ids[2], update: r.ids[3], delete: r.ids[4] },
          names: r.names,
          tag: 'Benchmarking',
          item: r.item,
          create: r.create,
          update: r.update,
          filters: r.filters,
          writeRole: 'officer',
          ...('problems' in r ? { problems: r.problems } : {}),
        }),
      { prefix: r.prefix },
    )

  await registerBulkRoute(app, opts.upload, {
    path: '/populations/bulk',
    operationId: 'bulkWritePopulations',
    tag: 'Benchmarking',
    summary: 'Write populations in bulk: code, year, population, source (CSV, JSON or NDJSON)',
    row: 'PopulationRow',
    columns: POPULATION_COLUMNS,
    access: officer,
    run: (request, body, options) => service.loadPopulations(request.partnership, actorOf(request), body, options),
  })
  await registerBulkRoute(app, opts.upload, {
    path: '/peer-figures/bulk',
    operationId: 'bulkWritePeerFigures',
    tag: 'Benchmarking',
    summary: "Write peer areas' counts in bulk: indicator, code, period, value, source (CSV, JSON or NDJSON)",
    row: 'PeerFigureRow',
    columns: FIGURE_COLUMNS,
    access: officer,
    problems: { 400: ['PERIOD.INVALID'] },
    run: (request, body, options) => service.loadFigures(request.partnership, actorOf(request), body, options),
  })

  app.get('/peer-groups/:id/comparison', {
    config: { access: read, problems: comparisonProblems, heavy: true },
    schema: {
      operationId: 'comparePeerGroup',
      tags,
      summary: 'A peer group compared for one indicator and period: rates, expected counts, bands, ranks',
      description:
        "Every member of the group on the period's last day: its count over the period, its population (the year's mid-year estimate), its rate per ratePer a year, the count the group's rate gives its population, whether it is above, in line with or below the group at 95% and 99.8% (Byar's limits), its rank (1 best by polarity, ties shared), quartile, and the rest of the group's rate beside its own. The group rate is the sum of counts over the sum of populations. Members without a population or without figures covering the period are listed apart. JSON, or CSV with format=csv, or an Excel workbook with format=xlsx.",
      params: GroupParams,
      querystring: ComparisonQuery,
      response: {
        200: JsonCsvOrXlsx(
          'The comparison: JSON, CSV with format=csv, or an Excel workbook',
          ComparisonSchema,
          COMPARISON_COLUMNS,
        ),
        ...problemResponses(400, 401, 404, 422),
      },
    },
    handler: async (request, reply) => {
      const { indicatorId, period, format, sort } = request.query
      const compared = await service.compare(tenantScope(request), request.params.id, indicatorId, period)
      // The members come by code; by rank, the stable sort keeps code order among ties.
      const c =
        sort === 'rank' ? { ...compared, members: [...compared.members].sort((a, b) => a.rank - b.rank) } : compared
      if (!wantsTable(request, format)) return c
      const rows = c.members.map((m) => [
        m.code,
        m.name,
        m.ours ? 'yes' : 'no',
        m.count,
        m.population,
        m.rate.toFixed(2),
        m.expected.toFixed(1),
        m.bands['95'],
        m.bands['99.8'],
        m.rank,
        m.quartile,
        m.othersRate?.toFixed(2),
        m.gap?.toFixed(2),
        m.gapPercent?.toFixed(1),
      ])
      return sendTable(app.db, request, reply, format, {
        name: `comparison-${c.group.name}-${c.indicator.reference}-${c.period}`,
        title: 'Peer comparison',
        about: [
          ['Peer group', c.group.name],
          ['Indicator', `${c.indicator.reference}: ${c.indicator.name}`],
          ['Period', c.period],
          ['Members on', c.membersOn],
          ['Rate', `per ${c.ratePer} people a year; group rate ${c.groupRate?.toFixed(2) ?? 'none'}`],
        ],
        header: COMPARISON_COLUMNS,
        rows,
        kinds: Object.fromEntries(
          ['count', 'population', 'rate', 'expected', 'rank', 'quartile', 'others_rate', 'gap', 'gap_percent'].map(
            (c) => [c, 'number' as const],
          ),
        ),
      })
    },
  })

  app.get('/peer-groups/:id/funnel.svg', {
    config: { access: read, problems: comparisonProblems, heavy: true },
    schema: {
      operationId: 'peerGroupFunnelPlot',
      tags,
      summary: 'A funnel plot (SVG) of a peer group for one indicator and period',
      description:
        "Each member's rate against its population, the group rate, and the 95% and 99.8% limits around it; the partnership's own areas filled and named in bold. Lines differ by dash, so it reads in black and white.",
      params: GroupParams,
      querystring: FunnelQuery,
      response: {
        200: { description: 'SVG image', content: { 'image/svg+xml': { schema: Type.String() } } },
        ...problemResponses(400, 401, 404, 422),
      },
    },
    handler: async (request, reply) => {
      const { indicatorId, period } = request.query
      const c = await service.compare(tenantScope(request), request.params.id, indicatorId, period)
      return reply.type('image/svg+xml; charset=utf-8').send(funnelPlot(c, today()))
    },
  })
}
