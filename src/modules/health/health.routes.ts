import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import Type from 'typebox'
import { problemResponses, sendProblem } from '../../plugins/problem.js'

const Status = Type.Object(
  { status: Type.String({ enum: ['ok'] }) },
  { additionalProperties: false, description: 'All is well' },
)
const READY_TIMEOUT_MS = 2000

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    config: { access: { scope: 'public' } },
    schema: {
      operationId: 'getHealth',
      tags: ['Health'],
      summary: 'Liveness: the process is up',
      description:
        'Answers 200 while the process runs; it never touches the database and is never refused or rate limited, so a supervisor can tell a live instance from a dead one.',
      security: [],
      response: { 200: Status },
    },
    handler: async () => ({ status: 'ok' }),
  })

  app.get('/readyz', {
    config: { access: { scope: 'public' } },
    schema: {
      operationId: 'getReadiness',
      tags: ['Health'],
      summary: 'Readiness: the database answers and the instance is not refusing load',
      description:
        'Not ready (503) while the instance refuses requests for load or memory, so a balancer sends elsewhere until it recovers.',
      security: [],
      response: { 200: Status, ...problemResponses(503) },
    },
    handler: async (request, reply) => {
      if (app.admission.shedding || app.admission.pressure()) {
        return sendProblem(request, reply, {
          kind: 'service-unavailable',
          code: 'SERVICE.OVERLOADED',
          detail: 'The instance is refusing load.',
          retryAfter: 2,
        })
      }
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('readiness check timed out')), READY_TIMEOUT_MS)
      })
      try {
        await Promise.race([sql`select 1`.execute(app.db), timeout])
        return { status: 'ok' }
      } catch (err) {
        request.log.warn({ err }, 'database not ready')
        return sendProblem(request, reply, {
          kind: 'service-unavailable',
          code: 'DATABASE.UNAVAILABLE',
          detail: 'The database is not reachable.',
          retryAfter: 5,
        })
      } finally {
        clearTimeout(timer)
      }
    },
  })
}

export default healthRoutes
