// The words of evidence files on the approval pages and in the e-mails (pages/uploads.tsx): the upload forms,
// the files listed for a reviewer, and every refusal an official can meet. Beside words.ts (near its size
// limit); the same rules: one language per plan, both languages side by side.
import type { LocalText } from './i18n.ts';

const lt = (zh: string, en: string): LocalText => ({ zh, en });

/** 1,234,567 bytes → `1.2 兆字节` / `1.2 MB`: a zh-CN plan's mails and pages name the unit in Chinese. */
export function fileSize(bytes: number, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  const [b, kb, mb] = locale === 'en' ? ['B', 'KB', 'MB'] : ['字节', '千字节', '兆字节'];
  if (bytes < 1024) return `${bytes} ${b}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} ${kb}`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} ${mb}`;
}

export const EVIDENCE = {
  uploaded: lt('已上传的文件', 'Files uploaded'),
  none: lt('尚未上传文件。', 'No file uploaded yet.'),
  choose: lt('选择文件', 'Choose a file'),
  upload: lt('上传', 'Upload'),
  hint: (mb: number) =>
    lt(
      `可上传照片（手机可直接拍照或从相册选择）、PDF、Word、Excel、PPT 文件，每个不超过 ${mb} MB。每次上传一个文件，可多次上传。`,
      `Photos (on a phone, take one or pick one from the gallery), PDF, Word, Excel or PowerPoint files, up to ${mb} MB each. One file at a time; upload as many as you need.`,
    ),
  first: lt(
    '上传或删除文件会重新载入本页，请先上传文件，再填写下面的内容（浏览器禁用脚本时，已填写的文字不会保留）。',
    'Uploading or removing a file reloads this page: upload the files first, then fill in the rest (with scripts turned off in the browser, text typed before is not kept).',
  ),
  back: (mb: number, minutes: number) =>
    lt(
      `如上传后出现英文错误页面（如 EntityTooLarge、AccessDenied），说明文件超过 ${mb} MB、格式不支持，或本页打开已超过 ${minutes} 分钟，文件没有保存：请返回本页，刷新后重新上传。`,
      `If an error page in English appears after uploading (such as EntityTooLarge or AccessDenied), the file was over ${mb} MB, of a type not accepted, or this page was open for more than ${minutes} minutes, and nothing was saved: go back to this page, reload it and upload again.`,
    ),
  tooLarge: (mb: number) =>
    lt(
      `文件“{name}”超过 ${mb} MB，没有上传。请压缩或拆分后再上传。`,
      `“{name}” is over ${mb} MB and was not uploaded. Compress or split it, then upload again.`,
    ),
  wrongType: lt(
    '文件“{name}”的格式不支持，没有上传。请上传照片、PDF 或 Word、Excel、PPT 文件。',
    '“{name}” is not of a type accepted and was not uploaded. Upload a photo, a PDF, or a Word, Excel or PowerPoint file.',
  ),
  expired: (minutes: number) =>
    lt(
      `本页打开已超过 ${minutes} 分钟，上传表单已失效，文件没有上传。请刷新本页后重新上传。`,
      `This page has been open for more than ${minutes} minutes and its upload form has expired; nothing was uploaded. Reload the page and upload again.`,
    ),
  noFile: lt('请先选择一个文件。', 'Choose a file first.'),
  full: (n: number) =>
    lt(
      `已达到每项 ${n} 个文件的上限，不能再上传。`,
      `This field holds its limit of ${n} files; no more can be added.`,
    ),
  justUploaded: (name: string) => lt(`已上传“${name}”。`, `“${name}” was uploaded.`),
  remove: lt('删除', 'Remove'),
  removeLabel: (name: string) => lt(`删除“${name}”`, `Remove “${name}”`),
  removed: (name: string) => lt(`已删除“${name}”。`, `“${name}” was removed.`),
  removedGone: lt('该文件已不在，无需删除。', 'That file is no longer there; nothing was removed.'),
  late: lt(
    '本任务已经办结，刚才上传的文件没有被采用，已删除。',
    'This task was already decided: the file just uploaded was not attached and has been deleted.',
  ),
  submittedFiles: lt('提交的文件', 'Files submitted'),
  download: lt('下载', 'Download'),
  downloadNote: (minutes: number) =>
    lt(
      `下载链接 ${minutes} 分钟内有效，过期请刷新本页。`,
      `Download links work for ${minutes} minutes; reload the page for new ones.`,
    ),
  mailFiles: lt('提交的文件（请打开办理页面下载）', 'Files submitted (download them on the task page)'),
} as const;
