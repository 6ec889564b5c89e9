// What the local cloud cannot tell from a resource's type: marks the CDK app writes into the template as the
// resource's CloudFormation Metadata (`CfnResource.addMetadata`), and the local cloud reads back
// (`marksOf` in local/cloud/assembly.ts), so that it finds a resource by its type and mark, never by its name. CloudFormation
// keeps Metadata as it is and acts on none of it:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-metadata.html
// No runtime import of the CDK here: the local cloud reads the keys without loading it.
import type { IConstruct } from 'constructs';

/** The Metadata keys of the marks. */
export const MARK = {
  role: 'pilotflow:role',
  adminCookie: 'pilotflow:admin-cookie',
} as const;

/**
 * `launcher`: the Lambda function the local cloud invokes once per data directory with `{ planYaml, source }`.
 * `dashboard`: the HTTP API route of the dashboard's home page, printed as the dashboard's URL.
 * `sign-in`: the HTTP API route that starts a browser's sign-in, printed (with the local administrator's
 * `login_hint`) as the one-click sign-in link.
 * `evidence`: the S3 bucket of evidence files, named in endpoints.json as `evidenceBucket`.
 */
export const ROLES = ['launcher', 'dashboard', 'sign-in', 'evidence'] as const;
export type Role = (typeof ROLES)[number];

export interface Marks {
  role?: Role;
  /** On a Lambda function: the cookie in which it keeps a signed-in administrator's token. */
  adminCookie?: string;
}

/** Marks a construct's CloudFormation resource: its default child (a Function's CfnFunction), or itself. */
export function mark(construct: IConstruct, marks: Marks): void {
  const resource = (construct.node.defaultChild ?? construct) as {
    addMetadata?: (key: string, value: unknown) => void;
  };
  if (typeof resource.addMetadata !== 'function') {
    throw new Error(`${construct.node.path} has no CloudFormation resource to mark`);
  }
  if (marks.role) resource.addMetadata(MARK.role, marks.role);
  if (marks.adminCookie) resource.addMetadata(MARK.adminCookie, marks.adminCookie);
}
