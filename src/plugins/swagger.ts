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

async function swaggerPlugin(app: FastifyInstance, opts: { version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Safer Partnerships API',
        version: opts.version,
        description:
          'Performance management for Community Safety Partnerships. Every route under /partnerships/{partnership} ' +
          "is scoped to a partnership the bearer token names; another partnership's things answer 404. " +
          'Errors are RFC 9457 problem+json. Changes need If-Match with the ETag last read.',
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
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
  app.get('/openapi.json', { schema: { hide: true }, config: { access: { scope: 'public' } } }, async () =>
    app.swagger(),
  )
}

export default fp(swaggerPlugin, { name: 'swagger' })
