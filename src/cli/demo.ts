import pino from 'pino'
import { loadConfig } from '../config.js'
import { createDb } from '../db/client.js'
import { openDatabase } from '../db/open.js'
import { loadDemo } from '../modules/demo/demo.service.js'

/** `npm run demo`: loads the demo partnerships into the configured (by default embedded) database. */
const config = loadConfig()
const logger = pino({ level: config.logLevel === 'silent' ? 'info' : config.logLevel })
const database = await openDatabase(config, logger, { migrate: true })
try {
  const loaded = await loadDemo(createDb(database.pool), config.auth.issuer)
  const n = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`
  for (const { partnership, measurements: m, ...counts } of loaded)
    logger.info(
      { partnership, ...counts, measurements: m },
      `${partnership}: ${n(counts.areas, 'area')}, ${n(counts.indicators, 'indicator')}, ${n(counts.targets, 'target')}, ` +
        `${n(m.inserted + m.updated + m.unchanged, 'measurement')} (${m.inserted} new, ${m.updated} changed, ${m.unchanged} already there), ` +
        `${n(counts.members, 'member')}, ${n(counts.actions, 'action')}, ${n(counts.risks, 'risk')}, ${n(counts.fundingStreams, 'funding stream')}, ${n(counts.feeds, 'feed')}, ` +
        `${n(counts.peerGroups, 'peer group')} with ${n(counts.peerFigures.inserted + counts.peerFigures.updated + counts.peerFigures.unchanged, 'peer figure')}`,
    )
  logger.info('demo data loaded; mint a token with: npm run token -- --partnership east-lincolnshire --role viewer')
} finally {
  await database.close()
}
