// S3's errors as the local S3 front answers them: the status, code and message of S3's XML error document.
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html

/** A refusal as S3 answers it. */
export class S3Error extends Error {
  override name = 'S3Error';
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, string>;
  constructor(status: number, code: string, message: string, details: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** S3's XML error document. */
export function errorXml(error: S3Error, requestId: string): string {
  const xml = (text: string) => text.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
  const details = Object.entries(error.details)
    .map(([name, value]) => `<${name}>${xml(value)}</${name}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${xml(error.message)}</Message>${details}<RequestId>${requestId}</RequestId></Error>`;
}
