// XML 1.0 has no way to write most control characters, even escaped: they are dropped, or the SVG is malformed.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g

/** Text a client wrote, made safe to put in an SVG (or any XML) element or attribute. */
export const escapeXml = (text: string) =>
  text
    .replace(NOT_XML, '')
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Words on lines of at most `chars` characters, `maxLines` at most (the last ending "..." when more are left). */
export function wrap(words: readonly string[], chars: number, maxLines = Infinity): string[] {
  const out: string[] = []
  for (const word of words) {
    const last = out.length - 1
    if (last >= 0 && out[last]!.length + 1 + word.length <= chars) out[last] = `${out[last]} ${word}`
    else if (out.length === maxLines) {
      out[last] = `${out[last]!.replace(/,$/, '')} ...`
      break
    } else out.push(word)
  }
  return out
}
