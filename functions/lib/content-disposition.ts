// A file's name in a Content-Disposition header (RFC 6266): `filename*` carries it in UTF-8, percent-encoded
// as RFC 5987 (and RFC 2231 for mail) asks, so that Chinese names survive; `filename` is an ASCII fallback for
// the few readers that know only that.

/** RFC 5987 `value-chars`: percent-encoded UTF-8, with the characters encodeURIComponent leaves but the RFC does not allow. */
export function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

/** `attachment; filename="<fallback>"; filename*=UTF-8''<name>`; the fallback defaults to the name's ASCII letters. */
export function attachmentDisposition(filename: string, fallback = asciiFallback(filename)): string {
  return `attachment; filename="${fallback}"; filename*=UTF-8''${rfc5987(filename)}`;
}

/** The name with every character outside printable ASCII, and `"` and `\`, replaced by `_`. */
export function asciiFallback(filename: string): string {
  return filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
}
