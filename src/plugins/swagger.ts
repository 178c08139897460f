import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { completeContract } from './contract.js'
import { problemTitle } from './problem.js'

export const API_TAGS = [
  { name: 'Partnerships', description: 'The partnerships (tenants)' },
  { name: 'Areas', description: 'Geographies figures are reported for' },
  { name: 'Agencies', description: 'Partner organisations' },
  { name: 'Priorities', description: 'Priorities and their objectives' },
  { name: 'Themes', description: 'Cross-cutting themes' },
  { name: 'Indicators', description: 'Performance indicators' },
  { name: 'Targets', description: 'Targets from baselines, with profiles' },
  { name: 'Measurements', description: 'Values pushed by partner agencies, with revisions and bulk feeds' },
  {
    name: 'Feeds',
    description: "Partner agencies' files as published (police.uk crime, fire incidents) counted into indicators",
  },
  { name: 'Commentary', description: 'What theme groups say about the figures' },
  {
    name: 'Members',
    description:
      "Who may do what: the partnership's members (a token's issuer and subject, with a role over a span of dates) and invitations by email, accepted by the first sign-in whose verified email matches",
  },
  { name: 'Groups', description: "The partnership's groups and their members over time" },
  { name: 'Actions', description: 'Action plans: actions, milestones, progress updates, activity RAG' },
  { name: 'Funding', description: 'Funding streams, allocations and bids through the staged approval process' },
  { name: 'Risks', description: 'The risk register: scored risks, assessments over time, heat maps' },
  {
    name: 'Public view',
    description:
      "Without a token: a partnership that opted in shows its priorities, published figures, the evaluation on them and its issued rounds (seed 003 section 11: quarterly public performance reporting). Never a provisional figure, commentary, an action or a person's name",
  },
  {
    name: 'Rounds',
    description:
      "The reporting round: theme groups' returns, PMG's curation of the exceptions, and the issued report, frozen",
  },
  { name: 'Evaluation', description: 'Judgements, exception and performance reports, trend charts' },
  {
    name: 'Benchmarking',
    description: 'Populations, peer groups (Most Similar Groups) over time, peer figures, comparisons and funnel plots',
  },
  {
    name: 'Events',
    description:
      'Events for other systems: signed webhooks (Standard Webhooks) delivered at least once, in order, from a transactional outbox, or read as a feed',
  },
  { name: 'Audit', description: 'Who changed what' },
  { name: 'Health', description: 'Liveness and readiness' },
]

/** The contract's introduction: what an integrator needs before the first call, in the order they meet it. */
const GUIDE = `Performance management for Community Safety Partnerships: indicators, targets, measurements from
partner agencies, the evaluation and its exception reports, reporting rounds, action plans, funding bids and
the risk register.

## Getting a token
Send \`Authorization: Bearer <token>\`: a JWT from an identity provider the service trusts (its issuer and
subject name the caller; an email with \`email_verified\` accepts an invitation), or an agency system's API
key (\`spk_...\`, made by \`POST /partnerships/{partnership}/api-keys\`). Locally, \`npm run token\` prints one.

## Partnerships, roles and group rights
Every route under \`/partnerships/{partnership}\` reads and writes that partnership alone; another
partnership's things answer 404, as if they did not exist. A member holds a role there (viewer, officer,
admin; \`x-access\` on each operation says the least it needs), and offices in its groups (a theme group's
chair returns its figures; the Performance Management Group curates the exceptions; a bid's deciders are
the offices of its stage, never its applicant). \`GET .../me\` says what the caller holds on a date.

## Periods
\`2010-04\` (a month), \`2010-Q2\` (a calendar quarter), \`FY2010-11\` (a financial year on the partnership's
year-start month; also \`2010/11\`), \`FY2010-11-Q2\` (a quarter of that year), \`2010\` (a calendar year).
Dates are dates (\`2010-09-30\`); money is in pence or exact decimals.

## Lists
A list answers a page: \`limit\` (default 50, at most 200), \`nextCursor\` to send back as \`cursor\`, \`sort\`
(a leading \`-\` sorts descending), \`q\` for text in the name, and filters by field; archived records only
with \`includeArchived=true\`.

## Changing things safely
A record answers its \`ETag\`; a change (PATCH, PUT, DELETE) sends it as \`If-Match\` (412 when it is stale,
428 when it is missing), and a GET with \`If-None-Match\` answers 304 while it holds. Every POST takes an
\`Idempotency-Key\`: a retry with the same key and body replays the first answer and makes nothing again.

## Bulk and feeds
\`POST .../measurements/bulk\` (also populations and peer figures) takes JSON, NDJSON or CSV (\`text/csv\`):
all rows or none, unless \`mode=partial\`, when the answer says row by row what was refused and why; a dry
run writes nothing. Partner files as published (police.uk street crime, fire incidents) go to
\`POST .../feeds/{mappingId}/imports\`. Figures are judged on arrival: outliers and broken validation rules
come back in the answer.

## Errors
Every error is RFC 9457 \`application/problem+json\` with a stable \`code\` (\`AREA.CYCLE\`, \`BID.OWN_BID\`):
each operation lists the codes it can answer under each status (\`x-problem-codes\`), with an example. 429 and
503 carry \`Retry-After\`. What code acts on is an extension member beside the prose: \`conflictingId\` (the record
a 409 clashes with), \`remainingPence\`, \`limit\` and \`allowed\` (see the \`Problem\` schema). Events for other systems arrive as signed webhooks or from \`GET .../events\`.`

async function swaggerPlugin(app: FastifyInstance, opts: { version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Safer Partnerships API',
        version: opts.version,
        description: GUIDE,
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
        contact: { name: 'Safer Partnerships API team' },
      },
      servers: [{ url: '/', description: 'This server' }],
      tags: API_TAGS,
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description:
              "A JWT from a trusted identity provider, naming the caller (iss, sub; email with email_verified to accept an invitation): what they may do is the service's record of its members. Or an agency system's API key, spk_..., issued by POST /partnerships/{partnership}/api-keys.",
          },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    // Each operation says who may call it (x-access: scope and least role), so clients and the role and
    // tenancy test matrices read it from the contract rather than from a list kept by hand.
    // It also carries the route's own problem codes and whether it answers ETags to completeContract, which
    // writes every operation's codes and headers.
    transform: ({ schema, url, route }) => {
      const config = route.config ?? {}
      if (schema === undefined || config.access === undefined) return { schema, url }
      return {
        schema: {
          ...schema,
          'x-access': config.access,
          ...(config.problems === undefined ? {} : { 'x-problems': config.problems }),
          ...(config.etag === true ? { 'x-etag': true } : {}),
          ...(config.heavy === true ? { 'x-heavy': true } : {}),
        } as typeof schema,
        url,
      }
    },
    transformObject: (document) =>
      'openapiObject' in document
        ? completeContract(document.openapiObject as never, problemTitle)
        : document.swaggerObject,
    // Shared schemas keep their $id as their component name instead of def-0, def-1...
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    theme: { title: 'Safer Partnerships API: reference and guide' },
    uiConfig: { docExpansion: 'none', deepLinking: true, displayRequestDuration: true },
  })
  app.get('/openapi.json', { schema: { hide: true }, config: { access: { scope: 'public' } } }, async () =>
    app.swagger(),
  )
}

export default fp(swaggerPlugin, { name: 'swagger' })
