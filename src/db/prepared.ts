import type { CompiledQuery, Compilable } from 'kysely'
import type { Db } from './client.js'
import { prepareOnce } from './pg-wire.js'

/** Stands for a value in a query compiled once; each run binds the real values in its place. */
class Placeholder {
  constructor(readonly index: number) {}
}

/**
 * A query whose text never changes, built with Kysely once, then run with new values: building a small
 * query cost more than running it. The builder is called with placeholders for its arguments; wherever
 * one lands among the compiled parameters, a run binds the matching value. The text is also prepared
 * once per connection (tenancy.ts).
 */
export function preparedQuery<Args extends unknown[], R>(build: (...args: Args) => Compilable<R>) {
  let compiled: CompiledQuery<R> | undefined
  let slots: number[] = []
  return async (db: Db, ...values: Args): Promise<R[]> => {
    if (compiled === undefined) {
      const marks = values.map((_, i) => new Placeholder(i)) as unknown as Args
      compiled = build(...marks).compile()
      slots = compiled.parameters.map((p) => (p instanceof Placeholder ? p.index : -1))
      prepareOnce(compiled.sql)
    }
    const parameters = compiled.parameters.map((p, i) => (slots[i]! >= 0 ? values[slots[i]!] : p))
    return (await db.executeQuery<R>({ ...compiled, parameters })).rows
  }
}
