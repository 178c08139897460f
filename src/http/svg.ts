// XML 1.0 has no way to write most control characters, even escaped: they are dropped, or the SVG is malformed.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g

/** Text a client wrote, made safe to put in an SVG (or any XML) element or attribute. */
export const escapeXml = (text: string) =>
  text
    .replace(NOT_XML, '')
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!)
