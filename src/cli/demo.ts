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
  const loaded = await loadDemo(createDb(database.pool))
  logger.info(
    { loaded },
    'demo data loaded; mint a token with: npm run token -- --partnership east-lincolnshire --role viewer',
  )
} finally {
  await database.close()
}
