// Evidence files on the task page: one small form per `files` field that posts a file straight to the bucket
// with its presigned POST policy (S3 sends the browser back to this page), the files uploaded so far, and the
// submitted files a reviewer downloads. Works without JavaScript; a small inline script (allowed by its hash)
// only says in the page's language what S3 would refuse in English: too large, a type not accepted, an expired
// form. Also the page's headers: a page with upload forms may post to the bucket's origin, and run that script.

import { createHash } from 'node:crypto';
import {
  MAX_FILES_PER_FIELD,
  MAX_UPLOAD_BYTES,
  UPLOAD_ACCEPT,
  UPLOAD_EXPIRES_SECONDS,
  UPLOAD_EXTENSIONS,
  UPLOAD_TYPES,
} from '#domain/evidence.ts';
import { EVIDENCE, fileSize } from '../evidence-words.ts';
import { type Locale, type LocalText, tr } from '../i18n.ts';
import { PAGE } from '../words.ts';
import type { FileView, PageView, UploadView } from './model.ts';
import { SECURITY_HEADERS } from './style.ts';

const MB = MAX_UPLOAD_BYTES / (1024 * 1024);
const MINUTES = UPLOAD_EXPIRES_SECONDS / 60;

/** The id of a field's upload section (the error summary links to it, as to any field). */
export const uploadId = (field: string) => `f-${field}`;

/**
 * Checks a chosen file before it goes to S3, whose refusals are English XML on its own origin: size, type (by
 * MIME type or extension) and the form's age, and sets the policy's Content-Type field to the file's type.
 * An upload or a removal reloads the page: what the official typed in the decision's form is kept in the tab's
 * sessionStorage (this page's path only) just before, and put back into the empty fields when the page loads
 * (after the whole document is read: this script stands before the decision's form).
 */
const SCRIPT = `
document.addEventListener('DOMContentLoaded',()=>{
const df=document.getElementById('decision-form'),sk='pilotflow-form:'+location.pathname;
const skip=e=>!e.name||e.type==='hidden'||e.type==='submit'||e.disabled,box=e=>e.type==='radio'||e.type==='checkbox';
const save=()=>{if(!df)return;const v={};for(const e of df.elements){if(skip(e))continue;if(box(e)){if(e.checked)v[e.name+'='+e.value]=1}else if(e.value)v[e.name]=e.value}
try{sessionStorage.setItem(sk,JSON.stringify(v))}catch{}};
if(df){let v=null;try{v=JSON.parse(sessionStorage.getItem(sk)||'null');sessionStorage.removeItem(sk)}catch{}
if(v)for(const e of df.elements){if(skip(e))continue;if(box(e)){if(v[e.name+'='+e.value])e.checked=true}else if(!e.value&&typeof v[e.name]==='string')e.value=v[e.name]}}
for(const f of document.querySelectorAll('form.remove'))f.addEventListener('submit',save);
for(const f of document.querySelectorAll('form.upload')){const t0=performance.now();f.addEventListener('submit',e=>{
const d=f.dataset,i=f.querySelector('input[type=file]'),m=f.querySelector('.upload-msg'),file=i.files&&i.files[0];
const ext=file?(file.name.split('.').pop()||'').toLowerCase():'',ok=file&&(d.types.split(',').includes(file.type)||d.exts.split(',').includes(ext));
let msg='';if(!file)msg=d.none;else if(file.size>+d.max)msg=d.big;else if(!ok)msg=d.type;else if(performance.now()-t0>(+d.ttl-30)*1000)msg=d.old;
if(msg){e.preventDefault();m.textContent=msg.replace('{name}',file?file.name:'');m.hidden=false;m.focus();return}
const c=f.querySelector('input[name="Content-Type"]');if(c&&file.type)c.value=file.type;save();});}});
`.trim();
const SCRIPT_HASH = `'sha256-${createHash('sha256').update(SCRIPT, 'utf8').digest('base64')}'`;

/** The page's headers: a page with upload forms may post to the bucket's origin and run the check above. */
export function pageHeaders(view: PageView): Record<string, string> {
  const origins = [
    ...new Set(
      (view.page === 'task' ? (view.uploads ?? []) : []).flatMap((u) =>
        u.post ? [new URL(u.post.url).origin] : [],
      ),
    ),
  ];
  if (origins.length === 0) return { ...SECURITY_HEADERS };
  const csp = (SECURITY_HEADERS['Content-Security-Policy'] as string)
    .replace("form-action 'self'", `form-action 'self' ${origins.join(' ')}`)
    .replace("default-src 'none';", `default-src 'none'; script-src ${SCRIPT_HASH};`);
  return { ...SECURITY_HEADERS, 'Content-Security-Policy': csp };
}

/** Where a file's 删除 button posts (the page's own signed link) and the page's one-time form token. */
export interface RemoveForm {
  action: string;
  token: string;
}

function FileList(props: { locale: Locale; files: FileView[]; id: string; remove?: RemoveForm | undefined }) {
  const { locale, remove } = props;
  return (
    <ul class="files" id={props.id}>
      {props.files.map((f) => (
        <li>
          {f.url ? (
            <a href={f.url} download={f.name} rel="noopener noreferrer">
              {f.name}
            </a>
          ) : (
            <span class="name">{f.name}</span>
          )}{' '}
          <span class="size">{fileSize(f.size, locale)}</span>
          {remove && f.key ? (
            <form method="post" action={remove.action} class="remove">
              <input type="hidden" name="token" value={remove.token} />
              <input type="hidden" name="remove" value={f.key} />
              <button type="submit" class="btn-remove" aria-label={tr(locale, EVIDENCE.removeLabel(f.name))}>
                {tr(locale, EVIDENCE.remove)}
              </button>
            </form>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** The submitted files a reviewer reads, each downloadable for a few minutes after the page was rendered. */
export function SubmittedFiles(props: { locale: Locale; files: FileView[] }) {
  const { locale, files } = props;
  if (files.length === 0) return null;
  return (
    <section aria-labelledby="submitted-files">
      <h2 id="submitted-files">{tr(locale, EVIDENCE.submittedFiles)}</h2>
      <FileList locale={locale} files={files} id="submitted-file-list" />
      <p class="help">{tr(locale, EVIDENCE.downloadNote(5))}</p>
    </section>
  );
}

function UploadSection(props: {
  locale: Locale;
  upload: UploadView;
  error: LocalText | undefined;
  remove: RemoveForm | undefined;
}) {
  const { locale, upload, error } = props;
  const id = uploadId(upload.field);
  const msg = (t: LocalText) => tr(locale, t);
  return (
    <section class={error ? 'field upload-field invalid' : 'field upload-field'} id={id} tabIndex={-1}>
      <h2 class="label">
        {tr(locale, upload.label)}
        {upload.required ? <span class="req">{tr(locale, PAGE.required)}</span> : null}
      </h2>
      {error ? (
        <span class="error" id={`${id}-error`}>
          {tr(locale, error)}
        </span>
      ) : null}
      <p class="muted">{tr(locale, EVIDENCE.uploaded)}</p>
      {upload.files.length > 0 ? (
        <FileList locale={locale} files={upload.files} id={`${id}-files`} remove={props.remove} />
      ) : (
        <p class="muted none">{tr(locale, EVIDENCE.none)}</p>
      )}
      {upload.post ? (
        <form
          class="upload"
          method="post"
          action={upload.post.url}
          enctype="multipart/form-data"
          data-max={String(MAX_UPLOAD_BYTES)}
          data-ttl={String(UPLOAD_EXPIRES_SECONDS)}
          data-types={UPLOAD_TYPES.join(',')}
          data-exts={UPLOAD_EXTENSIONS.join(',')}
          data-none={msg(EVIDENCE.noFile)}
          data-big={msg(EVIDENCE.tooLarge(MB))}
          data-type={msg(EVIDENCE.wrongType)}
          data-old={msg(EVIDENCE.expired(MINUTES))}
        >
          {/* S3 reads the policy's fields first and the file last (the file must be the last field). */}
          {Object.entries(upload.post.fields).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <label for={`${id}-file`}>{tr(locale, EVIDENCE.choose)}</label>
          <span class="help" id={`${id}-hint`}>
            {tr(locale, EVIDENCE.hint(MB))}
          </span>
          <p class="error upload-msg" role="alert" tabIndex={-1} hidden />
          <input
            type="file"
            id={`${id}-file`}
            name="file"
            accept={UPLOAD_ACCEPT}
            aria-describedby={`${id}-hint`}
          />
          <button type="submit" class="btn-upload">
            {tr(locale, EVIDENCE.upload)}
          </button>
          <span class="help">{tr(locale, EVIDENCE.back(MB, MINUTES))}</span>
        </form>
      ) : (
        <p class="help">{tr(locale, EVIDENCE.full(MAX_FILES_PER_FIELD))}</p>
      )}
    </section>
  );
}

/** The upload sections, before the decision's form (an upload reloads the page: upload first, then type). */
export function Uploads(props: {
  locale: Locale;
  uploads: UploadView[];
  errors: Record<string, LocalText>;
  justUploaded?: string | undefined;
  refusedUpload?: string | undefined;
  removed?: string | { gone: true } | undefined;
  /** Each uploaded file gets a 删除 button posting here. */
  remove?: RemoveForm | undefined;
}) {
  const { locale, uploads, removed } = props;
  if (uploads.length === 0) return null;
  const withScript = uploads.some((u) => u.post);
  return (
    <div class="uploads">
      {props.refusedUpload ? (
        <p class="status stop" role="alert" id="upload-refused">
          {tr(locale, EVIDENCE.wrongType).replace('{name}', props.refusedUpload)}
        </p>
      ) : null}
      {props.justUploaded ? (
        <p class="status ok" role="status">
          {tr(locale, EVIDENCE.justUploaded(props.justUploaded))}
        </p>
      ) : null}
      {removed ? (
        <p class="status ok" role="status" id="upload-removed">
          {tr(locale, typeof removed === 'string' ? EVIDENCE.removed(removed) : EVIDENCE.removedGone)}
        </p>
      ) : null}
      <p class="help">{tr(locale, EVIDENCE.first)}</p>
      {uploads.map((u) => (
        <UploadSection locale={locale} upload={u} error={props.errors[u.field]} remove={props.remove} />
      ))}
      {withScript ? <script dangerouslySetInnerHTML={{ __html: SCRIPT }} /> : null}
    </div>
  );
}
