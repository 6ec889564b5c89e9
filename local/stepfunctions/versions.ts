// State machine versions and aliases: PublishStateMachineVersion (and `publish` on Create/UpdateStateMachine),
// the version and alias operations, and which definition a qualified ARN (`…:stateMachine:Name:3`,
// `…:stateMachine:Name:prod`) starts. https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-version.html
// and https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-alias.html
import * as z from 'zod';
import type { Clock } from '../clock.ts';
import { SfnApiError } from './api-errors.ts';
import { decodeToken, encodeToken, isNum } from './requests.ts';
import type { AliasRow, StateMachineRow, Store } from './store.ts';

/** "Maximum published state machine versions: 1000"; "Maximum aliases per state machine: 100" (service quotas). */
const MAX_VERSIONS = 1000;
const MAX_ALIASES = 100;
/** An alias name is not a number (that would be a version) and uses these characters. */
const ALIAS_NAME = /^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]{1,80}$/;

const routing = z
  .array(
    z.object({
      stateMachineVersionArn: z.string().min(1).max(2048),
      weight: z.number().int().min(0).max(100),
    }),
  )
  .min(1)
  .max(2);

export const VersionRequests = {
  publish: z.object({
    stateMachineArn: z.string().min(1).max(2048),
    revisionId: z.string().optional(),
    description: z.string().max(256).optional(),
  }),
  list: z.object({
    stateMachineArn: z.string().min(1).max(2048),
    maxResults: z.number().int().min(0).max(1000).optional(),
    nextToken: z.string().min(1).max(1024).optional(),
  }),
  version: z.object({ stateMachineVersionArn: z.string().min(1).max(2048) }),
  createAlias: z.object({
    name: z.string().min(1).max(80),
    description: z.string().max(256).optional(),
    routingConfiguration: routing,
  }),
  alias: z.object({ stateMachineAliasArn: z.string().min(1).max(2048) }),
  updateAlias: z.object({
    stateMachineAliasArn: z.string().min(1).max(2048),
    description: z.string().max(256).optional(),
    routingConfiguration: routing.optional(),
  }),
};

/** What a (possibly qualified) state machine ARN starts: the machine, with the definition of the version chosen. */
export interface Target {
  machine: StateMachineRow;
  versionArn?: string;
  aliasArn?: string;
}

/** `…:stateMachine:Name` and its qualifier (a version number or an alias name), or undefined when unqualified. */
export function splitQualified(arn: string): { machineArn: string; qualifier?: string } {
  const parts = arn.split(':');
  if (parts.length === 8 && parts[5] === 'stateMachine') {
    return { machineArn: parts.slice(0, 7).join(':'), qualifier: parts[7]! };
  }
  return { machineArn: arn };
}

const isVersion = (qualifier: string) => /^[1-9][0-9]*$/.test(qualifier);

export interface VersionsOptions {
  store: Store;
  clock: Clock;
  random: () => number;
  /** The unqualified machine, or StateMachineDoesNotExist / InvalidArn. */
  machine: (arn: string) => StateMachineRow;
}

export class Versions {
  private readonly o: VersionsOptions;

  constructor(options: VersionsOptions) {
    this.o = options;
  }

  /**
   * Publishes the machine's current revision as its next version, or answers with the version that already
   * holds it ("PublishStateMachineVersion is an idempotent API … for the current revision").
   */
  publish(m: StateMachineRow, description?: string, revisionId?: string) {
    if (revisionId !== undefined && revisionId !== m.revision) {
      throw new SfnApiError(
        'ConflictException',
        `The revisionId ${revisionId} is not the current revision of ${m.arn} (${m.revision})`,
      );
    }
    const existing = this.o.store.versionOfRevision(m.arn, m.revision);
    if (existing) {
      return {
        stateMachineVersionArn: `${m.arn}:${existing.version}`,
        creationDate: new Date(existing.created),
      };
    }
    if (this.o.store.versionCount(m.arn) >= MAX_VERSIONS) {
      throw new SfnApiError('ServiceQuotaExceededException', `${m.arn} has ${MAX_VERSIONS} versions`);
    }
    const v = this.o.store.addVersion({
      smArn: m.arn,
      definition: m.definition,
      roleArn: m.roleArn,
      revision: m.revision,
      description: description ?? null,
      created: this.o.clock.now(),
    });
    return { stateMachineVersionArn: `${m.arn}:${v.version}`, creationDate: new Date(v.created) };
  }

  /** ListStateMachineVersions: newest first. */
  listVersions(req: z.infer<typeof VersionRequests.list>) {
    const m = this.o.machine(req.stateMachineArn);
    const limit = req.maxResults || 100;
    const from = decodeToken(req.nextToken, isNum('version'));
    const rows = this.o.store.versions(m.arn, from?.version ?? Number.MAX_SAFE_INTEGER, limit + 1);
    const page = rows.slice(0, limit);
    return {
      stateMachineVersions: page.map((v) => ({
        stateMachineVersionArn: `${m.arn}:${v.version}`,
        creationDate: new Date(v.created),
      })),
      ...(rows.length > limit ? { nextToken: encodeToken({ version: page.at(-1)!.version }) } : {}),
    };
  }

  /** A version that an alias routes to cannot be deleted (ConflictException), as on AWS. */
  deleteVersion(versionArn: string): void {
    const { machineArn, qualifier } = splitQualified(versionArn);
    if (qualifier === undefined || !isVersion(qualifier)) {
      throw new SfnApiError('InvalidArn', `Invalid Arn: '${versionArn}' is not a state machine version ARN`);
    }
    const routed = this.o.store
      .aliases(machineArn)
      .find((a) => a.routing.some((r) => r.stateMachineVersionArn === versionArn));
    if (routed) {
      throw new SfnApiError(
        'ConflictException',
        `Version ${versionArn} is routed to by the alias ${routed.arn}`,
      );
    }
    this.o.store.deleteVersion(machineArn, Number(qualifier));
  }

  /** DescribeStateMachine of a version ARN (an alias has DescribeStateMachineAlias). */
  describeVersion(versionArn: string) {
    const { qualifier } = splitQualified(versionArn);
    if (qualifier !== undefined && !isVersion(qualifier)) {
      throw new SfnApiError('InvalidArn', `Invalid Arn: use DescribeStateMachineAlias for '${versionArn}'`);
    }
    const { machine, version } = this.version(versionArn);
    return {
      stateMachineArn: versionArn,
      name: machine.name,
      status: 'ACTIVE',
      definition: version.definition,
      roleArn: version.roleArn,
      type: machine.type,
      creationDate: new Date(version.created),
      revisionId: version.revision,
      ...(version.description !== null ? { description: version.description } : {}),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  createAlias(req: z.infer<typeof VersionRequests.createAlias>) {
    if (!ALIAS_NAME.test(req.name))
      throw new SfnApiError('ValidationException', `Invalid alias name: '${req.name}'`);
    const smArn = this.checkRouting(req.routingConfiguration);
    const arn = `${smArn}:${req.name}`;
    const existing = this.o.store.alias(arn);
    if (existing) {
      const same =
        (existing.description ?? undefined) === req.description &&
        JSON.stringify(existing.routing) === JSON.stringify(req.routingConfiguration);
      if (same) return { stateMachineAliasArn: arn, creationDate: new Date(existing.created) };
      throw new SfnApiError(
        'ConflictException',
        `The alias ${arn} already exists with another configuration`,
      );
    }
    if (this.o.store.aliases(smArn).length >= MAX_ALIASES) {
      throw new SfnApiError('ServiceQuotaExceededException', `${smArn} has ${MAX_ALIASES} aliases`);
    }
    const now = this.o.clock.now();
    this.o.store.putAlias({
      arn,
      smArn,
      name: req.name,
      description: req.description ?? null,
      routing: req.routingConfiguration.map((r) => ({
        stateMachineVersionArn: r.stateMachineVersionArn,
        weight: r.weight,
      })),
      created: now,
      updated: now,
    });
    return { stateMachineAliasArn: arn, creationDate: new Date(now) };
  }

  describeAlias(arn: string) {
    const a = this.alias(arn);
    return {
      stateMachineAliasArn: a.arn,
      name: a.name,
      ...(a.description !== null ? { description: a.description } : {}),
      routingConfiguration: a.routing,
      creationDate: new Date(a.created),
      updateDate: new Date(a.updated),
    };
  }

  listAliases(req: z.infer<typeof VersionRequests.list>) {
    const m = this.o.machine(req.stateMachineArn);
    const limit = req.maxResults || 100;
    const from = decodeToken(
      req.nextToken,
      (v): v is { arn: string } => typeof (v as { arn?: unknown })?.arn === 'string',
    );
    const rows = this.o.store.aliases(m.arn, from?.arn ?? '', limit + 1);
    const page = rows.slice(0, limit);
    return {
      stateMachineAliases: page.map((a) => ({
        stateMachineAliasArn: a.arn,
        creationDate: new Date(a.created),
      })),
      ...(rows.length > limit ? { nextToken: encodeToken({ arn: page.at(-1)!.arn }) } : {}),
    };
  }

  updateAlias(req: z.infer<typeof VersionRequests.updateAlias>) {
    const a = this.alias(req.stateMachineAliasArn);
    if (req.description === undefined && req.routingConfiguration === undefined) {
      throw new SfnApiError(
        'ValidationException',
        'Either the description or the routingConfiguration must be specified',
      );
    }
    if (req.routingConfiguration && this.checkRouting(req.routingConfiguration) !== a.smArn) {
      throw new SfnApiError(
        'ValidationException',
        `The alias ${a.arn} can route only to versions of ${a.smArn}`,
      );
    }
    const now = this.o.clock.now();
    this.o.store.putAlias({
      ...a,
      description: req.description ?? a.description,
      routing: req.routingConfiguration ?? a.routing,
      updated: now,
    });
    return { updateDate: new Date(now) };
  }

  deleteAlias(arn: string): void {
    this.alias(arn);
    this.o.store.deleteAlias(arn);
  }

  /** What a state machine ARN starts: an alias picks one of its versions by weight. */
  target(arn: string): Target {
    const { machineArn, qualifier } = splitQualified(arn);
    if (qualifier === undefined) return { machine: this.o.machine(arn) };
    if (isVersion(qualifier)) {
      const { machine, version } = this.version(arn);
      return {
        machine: {
          ...machine,
          definition: version.definition,
          roleArn: version.roleArn,
          revision: version.revision,
        },
        versionArn: arn,
      };
    }
    const a = this.alias(`${machineArn}:${qualifier}`);
    // A point in [0, 100) falls in one version's share of the weights.
    const point = this.o.random() * 100;
    let below = 0;
    const chosen =
      a.routing.find((r) => {
        below += r.weight;
        return point < below;
      }) ?? a.routing.at(-1)!;
    return { ...this.target(chosen.stateMachineVersionArn), aliasArn: a.arn };
  }

  private version(versionArn: string) {
    const { machineArn, qualifier } = splitQualified(versionArn);
    const machine = this.o.machine(machineArn);
    const version =
      qualifier !== undefined && isVersion(qualifier)
        ? this.o.store.version(machineArn, Number(qualifier))
        : undefined;
    if (!version) {
      throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${versionArn}'`);
    }
    return { machine, version };
  }

  private alias(arn: string): AliasRow {
    const { machineArn, qualifier } = splitQualified(arn);
    if (qualifier === undefined || isVersion(qualifier)) {
      throw new SfnApiError('InvalidArn', `Invalid Arn: '${arn}' is not a state machine alias ARN`);
    }
    const a = this.o.store.alias(arn);
    if (!a || !this.o.store.getStateMachine(machineArn)) {
      throw new SfnApiError('ResourceNotFound', `Resource not found: '${arn}'`);
    }
    return a;
  }

  /**
   * "RoutingConfiguration … can contain up to two elements", versions of one state machine, weights adding up
   * to 100; answers the machine's ARN.
   */
  private checkRouting(items: Array<{ stateMachineVersionArn: string; weight: number }>): string {
    const machines = new Set(items.map((r) => splitQualified(r.stateMachineVersionArn).machineArn));
    if (machines.size !== 1) {
      throw new SfnApiError('ValidationException', 'The versions of an alias must be of one state machine');
    }
    if (new Set(items.map((r) => r.stateMachineVersionArn)).size !== items.length) {
      throw new SfnApiError('ValidationException', 'An alias cannot route to the same version twice');
    }
    if (items.reduce((sum, r) => sum + r.weight, 0) !== 100) {
      throw new SfnApiError('ValidationException', 'The weights of an alias must add up to 100');
    }
    for (const r of items) this.version(r.stateMachineVersionArn);
    return [...machines][0]!;
  }
}
