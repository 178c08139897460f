/** Today's date in ISO form: what "as of" means when a client does not say. */
export const today = (): string => new Date().toISOString().slice(0, 10)
