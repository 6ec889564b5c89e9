import { describe, expect, it } from 'vitest';
import { isFormContentType, MAX_FORM_BYTES, parseFormBody } from '#lib/form-body.ts';

const FORM = 'application/x-www-form-urlencoded';
const parse = (body: string, contentType: string | undefined = FORM, isBase64Encoded = false) =>
  parseFormBody({ body, contentType, isBase64Encoded });

describe('parseFormBody', () => {
  it('decodes a browser form post: plus signs as spaces, percent-encoded UTF-8', () => {
    const result = parse('token=abc&decision=approve&comment=%E5%90%8C%E6%84%8F+ok&f.score.party=87.5');
    expect(result).toEqual({
      ok: true,
      fields: new Map([
        ['token', 'abc'],
        ['decision', 'approve'],
        ['comment', '同意 ok'],
        ['f.score.party', '87.5'],
      ]),
    });
  });

  it('decodes a base64 body as API Gateway passes it', () => {
    const body = Buffer.from('decision=return&comment=a%26b').toString('base64');
    const result = parse(body, FORM, true);
    expect(result.ok && Object.fromEntries(result.fields)).toEqual({ decision: 'return', comment: 'a&b' });
  });

  it('accepts an empty body (the form token check refuses it later)', () => {
    expect(parse('')).toEqual({ ok: true, fields: new Map() });
  });

  it('refuses a body larger than 64 KB', () => {
    expect(parse(`comment=${'x'.repeat(MAX_FORM_BYTES)}`)).toEqual({ ok: false, problem: 'too-large' });
    const base64 = Buffer.from(`comment=${'x'.repeat(MAX_FORM_BYTES)}`).toString('base64');
    expect(parse(base64, FORM, true)).toEqual({ ok: false, problem: 'too-large' });
  });

  it('refuses JSON, multipart and non-UTF-8 form posts', () => {
    expect(parse('{"decision":"approve"}', 'application/json')).toEqual({
      ok: false,
      problem: 'unsupported-media-type',
    });
    expect(parse('x', 'multipart/form-data; boundary=x')).toMatchObject({
      problem: 'unsupported-media-type',
    });
    expect(parse('x=1', `${FORM}; charset=ISO-8859-1`)).toMatchObject({ problem: 'unsupported-media-type' });
    expect(parseFormBody({ body: 'x=1', contentType: undefined, isBase64Encoded: false })).toMatchObject({
      problem: 'unsupported-media-type',
    });
    expect(isFormContentType(`${FORM}; charset="UTF-8"`)).toBe(true);
  });

  it('refuses malformed percent-encoding and bytes that are not UTF-8', () => {
    expect(parse('comment=100%')).toEqual({ ok: false, problem: 'malformed' });
    expect(parse('comment=%zz')).toEqual({ ok: false, problem: 'malformed' });
    expect(parse('comment=%C3')).toEqual({ ok: false, problem: 'malformed' });
    expect(parse(Buffer.from([0x63, 0x3d, 0xff]).toString('base64'), FORM, true)).toEqual({
      ok: false,
      problem: 'malformed',
    });
  });

  it('refuses a field given twice, such as two decisions', () => {
    expect(parse('decision=approve&decision=reject')).toEqual({ ok: false, problem: 'malformed' });
  });
});
