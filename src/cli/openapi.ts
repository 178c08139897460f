import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { createPool } from '../db/client.js'

/** Writes openapi/openapi.json from the app's routes; needs no database (the pool never connects). */
async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'spa-openapi-'))
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
      WEBHOOK_DELIVERY: 'false',
    })
    const pool = createPool({
      connectionString: config.databaseUrl!,
      max: 1,
      connectTimeoutMs: 100,
      statementTimeoutMs: 100,
    })
    const app = await buildApp({ config, pool })
    await app.ready()
    const target = path.resolve('openapi/openapi.json')
    await fs.mkdir(path.dirname(target), { recursive: true })
    await fs.writeFile(target, `${JSON.stringify(app.swagger(), null, 2)}\n`)
    await app.close()
    await pool.end()
    process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`)
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true })
  }
}

await main()
