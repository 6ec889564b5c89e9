// Every key of the single table, and every condition expression, in one place (STYLE.md §4).
// The key schema and access patterns are written down in infra/constructs/table.ts and docs/data-model.md.

/** Attribute names of the table and its indexes, shared with the CDK construct. */
export const KEY = {
  pk: 'pk',
  sk: 'sk',
  gsi1pk: 'gsi1pk',
  gsi1sk: 'gsi1sk',
  openPk: 'openPk',
  openSk: 'openSk',
  assigneePk: 'assigneePk',
  assigneeSk: 'assigneeSk',
  ttl: 'ttl',
} as const;

export const INDEX = {
  /** Relations: pilot → tasks, task → links and audit events. */
  byParent: 'byParent',
  /** Sparse: only open tasks carry openPk/openSk, sorted by due date. Escalation and "overdue" read it. */
  openTasksByDue: 'openTasksByDue',
  /** Sparse: links by assignee e-mail, sorted by the task's due date. */
  byAssignee: 'byAssignee',
} as const;

/** The byParent partition that lists every programme (a handful per table: one item each). */
export const PROGRAMMES = 'PROGRAMMES';

/** The partition of the open-tasks index. One partition keeps "everything due before T" a single Query. */
export const OPEN_TASKS = 'OPEN';

/** The byParent partition of digest items not sent yet (see keys.digestItem). */
export const DIGEST_PENDING = 'DIGEST#PENDING';

/** The partition of undelivered decisions (see keys.pendingCallback). */
export const PENDING_CALLBACKS = 'CALLBACK#PENDING';

export const keys = {
  programme: (programmeId: string) => ({ pk: `PROGRAMME#${programmeId}`, sk: 'PROGRAMME' }),
  /** Programme → the list of programmes (byParent index), newest launch last, for the dashboard. */
  programmeListEntry: (launchedAt: string, programmeId: string) => ({
    gsi1pk: PROGRAMMES,
    gsi1sk: `PROGRAMME#${launchedAt}#${programmeId}`,
  }),
  programmeList: () => ({ gsi1pk: PROGRAMMES, skPrefix: 'PROGRAMME#' }),
  pilot: (programmeId: string, pilotId: string) => ({
    pk: `PROGRAMME#${programmeId}`,
    sk: `PILOT#${pilotId}`,
  }),
  pilotsOf: (programmeId: string) => ({ pk: `PROGRAMME#${programmeId}`, skPrefix: 'PILOT#' }),
  /**
   * An amended plan (version 2 on; version 1 is the launched plan on the programme item) and the pointer to
   * the current version, which every plan read checks (functions/domain/plans.ts).
   */
  planVersion: (programmeId: string, version: number) => ({
    pk: `PROGRAMME#${programmeId}`,
    sk: `PLANV#${String(version).padStart(6, '0')}`,
  }),
  planVersionsOf: (programmeId: string) => ({ pk: `PROGRAMME#${programmeId}`, skPrefix: 'PLANV#' }),
  planHead: (programmeId: string) => ({ pk: `PROGRAMME#${programmeId}`, sk: 'PLANHEAD' }),
  task: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'TASK' }),
  /** Task → pilot relation (byParent index). */
  taskParent: (programmeId: string, pilotId: string, createdAt: string, taskId: string) => ({
    gsi1pk: `PILOT#${programmeId}#${pilotId}`,
    gsi1sk: `TASK#${createdAt}#${taskId}`,
  }),
  tasksOfPilot: (programmeId: string, pilotId: string) => ({
    gsi1pk: `PILOT#${programmeId}#${pilotId}`,
    skPrefix: 'TASK#',
  }),
  /** Present on a task only while it is open (sparse index). */
  openTask: (dueAt: string, taskId: string) => ({ openPk: OPEN_TASKS, openSk: `${dueAt}#${taskId}` }),
  decision: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'DECISION' }),
  link: (linkId: string) => ({ pk: `LINK#${linkId}`, sk: 'LINK' }),
  linkParent: (taskId: string, linkId: string) => ({ gsi1pk: `TASK#${taskId}`, gsi1sk: `LINK#${linkId}` }),
  linksOfTask: (taskId: string) => ({ gsi1pk: `TASK#${taskId}`, skPrefix: 'LINK#' }),
  linkAssignee: (email: string, dueAt: string, taskId: string) => ({
    assigneePk: `ASSIGNEE#${email.toLowerCase()}`,
    assigneeSk: `${dueAt}#${taskId}`,
  }),
  linksOfAssignee: (email: string) => ({ assigneePk: `ASSIGNEE#${email.toLowerCase()}` }),
  /** Audit events of a pilot (or of the programme itself, with pilotId `-`), in time order. */
  audit: (programmeId: string, pilotId: string, at: string, eventId: string) => ({
    pk: `AUDIT#${programmeId}#${pilotId}`,
    sk: `${at}#${eventId}`,
  }),
  auditOf: (programmeId: string, pilotId: string) => ({ pk: `AUDIT#${programmeId}#${pilotId}` }),
  /** Audit event → task relation (byParent index), so a task's history is one Query. */
  auditParent: (taskId: string, at: string, eventId: string) => ({
    gsi1pk: `TASK#${taskId}`,
    gsi1sk: `AUDIT#${at}#${eventId}`,
  }),
  auditOfTask: (taskId: string) => ({ gsi1pk: `TASK#${taskId}`, skPrefix: 'AUDIT#' }),
  /** An idempotency record: a key that may be claimed once (e.g. "this notice was sent"). */
  once: (scope: string, id: string) => ({ pk: `ONCE#${scope}`, sk: id }),
  /** What the mail service reported about an address (bounces, complaints), one item per address. */
  contact: (email: string) => ({ pk: `CONTACT#${email.toLowerCase()}`, sk: 'STATUS' }),
  /** Flagged addresses (byParent index, only while flagged), so the dashboard lists them with one Query. */
  contactFlag: (email: string) => ({ gsi1pk: 'CONTACTS', gsi1sk: `CONTACT#${email.toLowerCase()}` }),
  flaggedContacts: () => ({ gsi1pk: 'CONTACTS', skPrefix: 'CONTACT#' }),
  /**
   * A decision whose callback to Step Functions is not confirmed yet, in decision order. Written in the
   * decision's transaction and deleted once Step Functions has it, so the retry sweep reads exactly the
   * undelivered decisions (one small partition) instead of scanning for `callbackPending`.
   */
  pendingCallback: (decidedAt: string, taskId: string) => ({
    pk: PENDING_CALLBACKS,
    sk: `${decidedAt}#${taskId}`,
  }),
  pendingCallbacks: () => ({ pk: PENDING_CALLBACKS }),
  /**
   * A reminder or escalation waiting for its recipient's daily digest, in the order queued: one partition per
   * programme and recipient, read with a consistent Query when the digest is made, deleted once it went out.
   */
  digestItem: (programmeId: string, email: string, queuedAt: string, itemId: string) => ({
    pk: `DIGEST#${programmeId}#${email.toLowerCase()}`,
    sk: `${queuedAt}#${itemId}`,
  }),
  digestItemsOf: (programmeId: string, email: string) => ({
    pk: `DIGEST#${programmeId}#${email.toLowerCase()}`,
  }),
  /** Digest item → the items not sent yet (byParent), so the sweep finds whom to send a digest with one Query. */
  digestPending: (programmeId: string, email: string, queuedAt: string, itemId: string) => ({
    gsi1pk: DIGEST_PENDING,
    gsi1sk: `${programmeId}#${email.toLowerCase()}#${queuedAt}#${itemId}`,
  }),
  pendingDigestItems: () => ({ gsi1pk: DIGEST_PENDING }),
  /** A plan uploaded on the dashboard, under the SHA-256 of its text: what its preview shows and its launch starts. */
  planUpload: (sha256: string) => ({ pk: `UPLOAD#PLAN#${sha256}`, sk: 'PLAN' }),
};

/** Condition expressions, each named for what it prevents. */
export const CONDITION = {
  /** Creating an item that already exists (a retried Lambda, a second launch). */
  isNew: 'attribute_not_exists(pk)',
  /** Changing an item that was deleted or never existed. */
  exists: 'attribute_exists(pk)',
  /** Deciding, cancelling or reassigning a task that is no longer open (double click, concurrent decision). */
  taskIsOpen: '#status = :open',
  /**
   * Using a link twice, or a link that was revoked by a reassignment; and revoking a link that a decision
   * used meanwhile (a reassignment racing a decision: whichever transaction commits first wins).
   */
  linkIsActive: '#status = :active',
  /** Reassigning from assignees that another reassignment replaced meanwhile (two administrators at once). */
  assigneesAre: 'assignees = :previousAssignees',
  /**
   * Two amendments of one plan at once writing the same next version (each read the same current one): the
   * second is refused and nothing of it is written.
   */
  planHeadIs: '(attribute_not_exists(pk) AND :previous = :one) OR version = :previous',
  /** Sending the same reminder or escalation level twice (overlapping sweeps, retries, restarts). */
  escalationLevelIs: 'escalationLevel = :expectedLevel',
  /** Recording a level's delivery twice (two sweeps finishing the same level). */
  escalationUndelivered: '(attribute_not_exists(escalationDelivered) OR escalationDelivered < :level)',
  /** Resuming a level that the sweep which claimed it may still be delivering. */
  escalationLeaseExpired: '(attribute_not_exists(escalationLeaseUntil) OR escalationLeaseUntil <= :now)',
  /** Releasing a lease that another sweep has taken over since. */
  escalationLeaseIs: 'escalationLeaseUntil = :lease',
  /**
   * An older mail event (SNS does not keep order) overwriting a newer one about the same address, or the same
   * report counted twice (SNS delivers at least once).
   */
  contactEventNewer:
    'attribute_not_exists(lastEventAt) OR (lastEventAt <= :at AND feedbackId <> :feedbackId)',
  /** A temporary failure (soft bounce) hiding a permanent one (hard bounce, complaint) recorded before. */
  contactNotHardFlagged: 'attribute_not_exists(#status) OR #status = :soft',
} as const;
