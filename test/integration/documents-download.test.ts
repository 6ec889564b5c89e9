// The dashboard's downloads over HTTP on the local cloud with the sample launched: the score sheet and the
// status as .xlsx (read back with exceljs), the summary reports as .docx (unzipped), each with its Chinese file
// name; refused without a session (an API client 401, a browser sent to sign in), and an unknown document refused with the plan's words.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, cookie } from '#test/support/dashboard.ts';
import { type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';
import { docxText, unzip } from '#test/support/zip.ts';

let env: SampleCloud;
const PROGRAMME = 'xx-county-community-governance-2023';
const url = (path: string) => `${env.cloud.endpoints.api}/admin/programmes/${PROGRAMME}${path}`;

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
}, 900_000);

afterAll(async () => {
  await env?.stop();
});

async function download(path: string, headers = bearer(env)) {
  const res = await fetch(url(path), { headers, redirect: 'manual' });
  return { res, body: new Uint8Array(await res.arrayBuffer()) };
}

describe('the dashboard downloads', () => {
  it('gives the programme status as .xlsx, every pilot with its stages, under its Chinese name', async () => {
    const { res, body } = await download('/documents/status.xlsx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(decodeURIComponent(res.headers.get('content-disposition') ?? '')).toContain(
      "filename*=UTF-8''XX县试点工作进展表.xlsx",
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(body) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('试点进展')!;
    expect(sheet.rowCount).toBe(7);
    const names = sheet.getColumn(1).values.slice(2);
    expect(names).toContain('XX镇古城社区');
    expect(sheet.getRow(2).getCell(4).value).toBe('进行中');
  });

  it('gives the acceptance score sheet and the summary reports, to a browser signed in with its cookie', async () => {
    const scores = await download('/documents/acceptance-scores.xlsx', cookie(env));
    expect(scores.res.status).toBe(200);
    const programme = await download('/documents/summary-report.docx', cookie(env));
    expect(programme.res.status).toBe(200);
    const text = docxText(unzip(programme.body).get('word/document.xml')!.toString('utf8'));
    expect(text).toContain('XX县试点工作总结报告');
    expect(text).toContain('XX镇解放街社区');
    const pilot = await download('/pilots/gucheng/report.docx', cookie(env));
    expect(pilot.res.status).toBe(200);
    expect(docxText(unzip(pilot.body).get('word/document.xml')!.toString('utf8'))).toContain(
      'XX镇古城社区试点工作总结报告',
    );
  });

  it('refuses a download without a token, and a document that does not exist', async () => {
    const client = await download('/documents/status.xlsx', { Accept: 'application/json' });
    expect(client.res.status).toBe(401);
    const browser = await download('/documents/status.xlsx', { Accept: 'text/html' });
    expect(browser.res.status).toBe(303);
    expect(browser.res.headers.get('location')).toContain('/admin/auth/sign-in');
    const unknown = await download('/documents/passwords.txt');
    expect(unknown.res.status).toBe(400);
    expect(new TextDecoder().decode(unknown.body)).toBe('没有这个文件。');
    expect((await download('/pilots/nowhere/report.docx')).res.status).toBe(404);
  });
});
