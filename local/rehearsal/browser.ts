// How the rehearsal's officials use the approval links: like a browser. GET the link with a browser's
// headers and its cookies, read the page, fill the form it contains, and POST it as
// application/x-www-form-urlencoded with the hidden inputs (the form token) and the button pressed.
import { type PageForm, parseTaskPage, type TaskPage, type UploadPageForm } from './page.ts';

export class PageError extends Error {
  override name = 'PageError';
}

const HEADERS = {
  'User-Agent': 'Mozilla/5.0 (PilotFlow rehearsal; a simulated official)',
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.8',
};

export class Browser {
  /** Cookies by origin, name → value (the pages set none today; a browser would send them back). */
  private readonly cookies = new Map<string, Map<string, string>>();
  /** Requests made, by method. */
  readonly requests: Record<string, number> = {};
  /** Files uploaded (and stored: S3 sent the browser back to the page). */
  uploads = 0;

  /**
   * Uploads `file` with a page's upload form as a browser does: a multipart POST of the policy's fields and
   * then the file, straight to S3, which answers 303 to the page; the page is then opened again.
   */
  async upload(
    form: UploadPageForm,
    file: { name: string; type: string; bytes: Uint8Array<ArrayBuffer> },
  ): Promise<TaskPage> {
    const body = new FormData();
    for (const [name, value] of form.hidden) body.append(name, name === 'Content-Type' ? file.type : value);
    body.append(form.fileName, new Blob([file.bytes], { type: file.type }), file.name);
    const response = await this.request(form.action, { method: 'POST', body });
    const location = response.headers.get('location');
    if (response.status !== 303 || !location) {
      throw new PageError(
        `upload of ${file.name} was answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
      );
    }
    this.uploads++;
    return this.open(new URL(location, form.action).toString());
  }

  async open(url: string): Promise<TaskPage> {
    const response = await this.request(url, { method: 'GET' });
    return parseTaskPage(await response.text(), url, response.status);
  }

  /**
   * Submits `form` of `page` with `values` (by control name) and the button `decision`. Controls the caller
   * does not fill are sent empty, as a browser sends an untouched text box; unchecked radios are not sent.
   */
  async submit(
    page: TaskPage,
    form: PageForm,
    values: Record<string, string>,
    button: { name: string; value: string },
  ): Promise<TaskPage> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form.hidden)) body.append(name, value);
    for (const field of form.fields) {
      const value = values[field.name];
      if (field.kind === 'yesno') {
        if (value !== undefined) body.append(field.name, value);
      } else body.append(field.name, value ?? '');
    }
    body.append(button.name, button.value);
    const origin = new URL(page.url).origin;
    const response = await this.request(form.action, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: origin,
        Referer: page.url,
      },
      body: body.toString(),
    });
    return parseTaskPage(await response.text(), form.action, response.status);
  }

  private async request(
    url: string,
    init: RequestInit & { headers?: Record<string, string> },
  ): Promise<Response> {
    const { origin } = new URL(url);
    const jar = this.cookies.get(origin);
    const cookie = jar && [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const method = init.method ?? 'GET';
    this.requests[method] = (this.requests[method] ?? 0) + 1;
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { ...HEADERS, ...(cookie ? { Cookie: cookie } : {}), ...init.headers },
        redirect: 'manual',
      });
    } catch (error) {
      throw new PageError(`${method} ${new URL(url).pathname}: ${(error as Error).message}`);
    }
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const bucket = this.cookies.get(origin) ?? new Map<string, string>();
      bucket.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      this.cookies.set(origin, bucket);
    }
    return response;
  }
}
