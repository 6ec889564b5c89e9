// Links to the documents an administrator downloads (functions/handlers/documents.ts, routes in
// infra/constructs/documents.ts): plain links, no script; the browser's cookie signs them in like any page.
import { type Locale, lt, tr } from '../i18n.ts';

const enc = encodeURIComponent;

export const documentUrls = {
  programme: (programmeId: string, name: string) => `/admin/programmes/${enc(programmeId)}/documents/${name}`,
  pilotReport: (programmeId: string, pilotId: string) =>
    `/admin/programmes/${enc(programmeId)}/pilots/${enc(pilotId)}/report.docx`,
};

const PROGRAMME_LINKS = [
  ['summary-report.docx', lt('试点工作总结报告（文档）', 'Summary report (Word)')],
  ['acceptance-scores.xlsx', lt('验收评分表（电子表格）', 'Acceptance scores (Excel)')],
  ['status.xlsx', lt('试点工作进展表（电子表格）', 'Programme status (Excel)')],
] as const;

/** The programme's documents: its summary report, the acceptance score sheet and its status. */
export function ProgrammeDownloads({ programmeId, locale }: { programmeId: string; locale: Locale }) {
  return (
    <p class="muted" id="downloads">
      {tr(locale, lt('下载：', 'Download: '))}
      {PROGRAMME_LINKS.map(([name, label], i) => (
        <>
          {i > 0 ? ' · ' : ''}
          <a href={documentUrls.programme(programmeId, name)} download>
            {tr(locale, label)}
          </a>
        </>
      ))}
    </p>
  );
}

/** A pilot's summary report. */
export function PilotDownload(props: { programmeId: string; pilotId: string; locale: Locale }) {
  return (
    <p class="muted" id="downloads">
      {tr(props.locale, lt('下载：', 'Download: '))}
      <a href={documentUrls.pilotReport(props.programmeId, props.pilotId)} download>
        {tr(props.locale, lt('试点工作总结报告（文档）', 'Summary report (Word)'))}
      </a>
    </p>
  );
}
