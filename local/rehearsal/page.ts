// Reads an approval page the way the rehearsal's officials see it: the title, the facts (pilot, stage, round…),
// the quoted texts (problems found, earlier comments), and the form — its action, hidden inputs (the form
// token), the fields with their kinds and the decision buttons. htmlparser2 reads the HTML into tags and
// texts; this module reads the page's parts from them.
import { Parser } from 'htmlparser2';

export interface PageField {
  /** The control's name as posted (`f.summary`, `f.score.party-leadership`). */
  name: string;
  kind: 'text' | 'textarea' | 'url' | 'date' | 'score' | 'yesno';
  /** The visible label, without the required/optional note. */
  label: string;
  /** The values a radio group offers (`yes`, `no`). */
  options?: string[];
}

export interface PageButton {
  name: string;
  value: string;
  label: string;
}

export interface PageForm {
  /** The form's `action`, resolved against the page's URL. */
  action: string;
  method: string;
  /** Hidden inputs, posted as they are (the form token). */
  hidden: Record<string, string>;
  fields: PageField[];
  /** The enabled submit buttons (the decisions). */
  buttons: PageButton[];
}

/** A `files` field's upload form: posted as multipart straight to S3, the file last. */
export interface UploadPageForm {
  /** The form field it uploads for (`document`, `evidence`: its section's id without `f-`). */
  field: string;
  /** The bucket's URL. */
  action: string;
  /** The POST policy's fields, in the page's order. */
  hidden: Array<[string, string]>;
  /** The file control's name (`file`) and what it accepts. */
  fileName: string;
  accept: string;
}

export interface TaskPage {
  url: string;
  status: number;
  /** `<html lang>`. */
  lang: string;
  /** The first heading. */
  title: string;
  /** The definition list of facts (`试点` → the pilot's name, `轮次` → `第 2 轮`…), first list only. */
  facts: Record<string, string>;
  /** Each quoted text under its heading (`发现的问题` → the problems). */
  quotes: Record<string, string>;
  /** The status box's text on a page without a form (already decided, closed, refused). */
  notice: string;
  /** The error summary of a form sent back for corrections. */
  errors: string;
  /** The form, when the page offers one. */
  form?: PageForm;
  /** The upload forms of its `files` fields (evidence), before the form. */
  uploads: UploadPageForm[];
  /** The names of the files listed under each upload section, by field. */
  files: Record<string, string[]>;
  /** Every link of the page's content (`<a href>`), resolved against its URL, in document order. */
  links: string[];
  /** A batch page's open tasks beyond those it lists (its `data-more`), shown once those are decided. */
  more?: number;
  /** A batch page's pilots whose task has not started yet (its `data-waiting`): they appear on it once it has. */
  waiting?: number;
}

interface Tag {
  kind: 'open' | 'close';
  name: string;
  attrs: Record<string, string>;
}
type Token = Tag | { kind: 'text'; text: string };

const VOID = new Set(['meta', 'link', 'input', 'br', 'hr', 'img', 'source', 'area', 'base', 'col', 'wbr']);
/** Raw text elements: their content is not markup, and not text the page shows. */
const RAW = new Set(['script', 'style']);

/** The page as a list of tags (names lower-cased) and texts (entities decoded), in document order. */
function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  let inRaw = 0;
  const parser = new Parser({
    onopentag(name, attrs) {
      tokens.push({ kind: 'open', name, attrs });
      if (RAW.has(name)) inRaw++;
    },
    onclosetag(name) {
      if (RAW.has(name)) inRaw--;
      tokens.push({ kind: 'close', name, attrs: {} });
    },
    ontext(text) {
      if (inRaw === 0) tokens.push({ kind: 'text', text });
    },
  });
  parser.end(html);
  return tokens;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The text from token `start` (an open tag) to its matching close tag, and the index after it. */
function textOf(tokens: Token[], start: number, skip?: (tag: Tag) => boolean): { text: string; end: number } {
  const open = tokens[start] as Tag;
  let depth = 0;
  let text = '';
  let skipping = 0;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'text') {
      if (skipping === 0) text += t.text;
      continue;
    }
    if (VOID.has(t.name)) continue;
    if (t.kind === 'open') {
      if (skipping > 0 || (i > start && skip?.(t))) skipping++;
      if (t.name === open.name) depth++;
    } else {
      if (skipping > 0) skipping--;
      if (t.name === open.name && --depth === 0) return { text, end: i + 1 };
    }
  }
  return { text, end: tokens.length };
}

const hasClass = (tag: Tag, name: string) => (tag.attrs.class ?? '').split(/\s+/).includes(name);

/** Parses a page of the approval link (any of them: the form, or what happened instead). */
export function parseTaskPage(html: string, url: string, status: number): TaskPage {
  const tokens = tokenize(html);
  const page: TaskPage = {
    url,
    status,
    lang: '',
    title: '',
    facts: {},
    quotes: {},
    notice: '',
    errors: '',
    links: [],
    uploads: [],
    files: {},
  };
  // The upload section and form being read.
  let section: string | undefined;
  let upload: UploadPageForm | undefined;
  let removeForm = false;
  const labels = new Map<string, string>();
  const fields: PageField[] = [];
  let form: PageForm | undefined;
  let heading = '';
  let factsRead = false;
  // A label's visible text, without its required/optional note.
  const labelText = (i: number) =>
    squash(textOf(tokens, i, (t) => hasClass(t, 'req') || hasClass(t, 'opt') || t.name === 'input').text);

  // The fieldset being read: its id labels a radio group (its legend is the label).
  let fieldset: Tag | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'close' && t.name === 'fieldset') fieldset = undefined;
    if (t.kind === 'close' && t.name === 'form') {
      upload = undefined;
      removeForm = false;
    }
    if (t.kind === 'close' && t.name === 'section') section = undefined;
    if (t.kind !== 'open') continue;
    if (t.attrs['data-more'] !== undefined) page.more = Number(t.attrs['data-more']);
    if (t.attrs['data-waiting'] !== undefined) page.waiting = Number(t.attrs['data-waiting']);
    if (t.name === 'section' && hasClass(t, 'upload-field') && t.attrs.id) {
      section = t.attrs.id.replace(/^f-/, '');
      page.files[section] = [];
      continue;
    }
    if (section && t.name === 'li') {
      const name = squash(textOf(tokens, i, (x) => hasClass(x, 'size') || hasClass(x, 'remove')).text);
      if (name) page.files[section]?.push(name);
    }
    // A file's 删除 button is a form of its own (pages/uploads.tsx): neither the decision's form nor its fields.
    if (t.name === 'form' && hasClass(t, 'remove')) removeForm = true;
    if (removeForm) continue;
    if (t.name === 'form' && hasClass(t, 'upload')) {
      upload = {
        field: section ?? '',
        action: new URL(t.attrs.action ?? '', url).toString(),
        hidden: [],
        fileName: '',
        accept: '',
      };
      page.uploads.push(upload);
      continue;
    }
    if (upload) {
      if (t.name === 'input' && t.attrs.name) {
        if ((t.attrs.type ?? '').toLowerCase() === 'file') {
          upload.fileName = t.attrs.name;
          upload.accept = t.attrs.accept ?? '';
        } else if ((t.attrs.type ?? '').toLowerCase() === 'hidden') {
          upload.hidden.push([t.attrs.name, t.attrs.value ?? '']);
        }
      }
      continue;
    }
    switch (t.name) {
      case 'fieldset':
        fieldset = t;
        break;
      case 'html':
        page.lang = t.attrs.lang ?? '';
        break;
      case 'h1':
        if (!page.title) page.title = squash(textOf(tokens, i).text);
        break;
      case 'h2':
        heading = squash(textOf(tokens, i).text);
        break;
      case 'blockquote':
        if (heading && !(heading in page.quotes)) page.quotes[heading] = textOf(tokens, i).text.trim();
        break;
      case 'dl': {
        if (factsRead) break;
        factsRead = true;
        const { end } = textOf(tokens, i);
        let term = '';
        for (let j = i + 1; j < end; j++) {
          const d = tokens[j] as Token;
          if (d.kind !== 'open') continue;
          if (d.name === 'dt') term = squash(textOf(tokens, j).text);
          else if (d.name === 'dd' && term) page.facts[term] = squash(textOf(tokens, j).text);
        }
        break;
      }
      case 'div':
        if (hasClass(t, 'status') && !page.notice) page.notice = squash(textOf(tokens, i).text);
        if (hasClass(t, 'summary') && !page.errors) page.errors = squash(textOf(tokens, i).text);
        break;
      case 'form':
        if (!form && (t.attrs.method ?? 'get').toLowerCase() === 'post') {
          form = {
            action: new URL(t.attrs.action ?? '', url).toString(),
            method: 'POST',
            hidden: {},
            fields,
            buttons: [],
          };
        }
        break;
      case 'a':
        if (t.attrs.href && !t.attrs.href.startsWith('mailto:') && !t.attrs.href.startsWith('tel:')) {
          page.links.push(new URL(t.attrs.href, url).toString());
        }
        break;
      case 'label':
        if (t.attrs.for) labels.set(t.attrs.for, labelText(i));
        break;
      case 'legend':
        if (fieldset?.attrs.id) labels.set(fieldset.attrs.id, labelText(i));
        break;
      case 'input': {
        if (!form || !t.attrs.name || 'disabled' in t.attrs) break;
        const type = (t.attrs.type ?? 'text').toLowerCase();
        if (type === 'hidden') form.hidden[t.attrs.name] = t.attrs.value ?? '';
        else if (type === 'radio') {
          const group = fields.find((f) => f.name === t.attrs.name);
          if (group) group.options?.push(t.attrs.value ?? '');
          else {
            fields.push({
              name: t.attrs.name,
              kind: 'yesno',
              label: fieldset?.attrs.id ?? '',
              options: [t.attrs.value ?? ''],
            });
          }
        } else if (type === 'submit') {
          form.buttons.push({ name: t.attrs.name, value: t.attrs.value ?? '', label: t.attrs.value ?? '' });
        } else {
          const kind = hasClass(t, 'score')
            ? 'score'
            : type === 'url'
              ? 'url'
              : type === 'date'
                ? 'date'
                : 'text';
          fields.push({ name: t.attrs.name, kind, label: t.attrs.id ?? '' });
        }
        break;
      }
      case 'textarea':
        if (form && t.attrs.name && !('disabled' in t.attrs)) {
          fields.push({ name: t.attrs.name, kind: 'textarea', label: t.attrs.id ?? '' });
        }
        break;
      case 'button':
        if (form && (t.attrs.type ?? 'submit') === 'submit' && t.attrs.name && !('disabled' in t.attrs)) {
          form.buttons.push({
            name: t.attrs.name,
            value: t.attrs.value ?? '',
            label: squash(textOf(tokens, i).text),
          });
        }
        break;
    }
  }
  // Labels were keyed by the control's id, which each field carries until here.
  for (const field of fields) field.label = labels.get(field.label) ?? field.label;
  if (form) page.form = form;
  return page;
}
