// Notices sent by the workflows. The mobilisation notice goes to the lead unit and the launch stage's
// participant units once per programme (whichever pilot's launch sends it first), and to each pilot's own
// contacts once per pilot: a unit is not sent the same meeting six times for six pilots.
import * as z from 'zod';
import { sourceTags } from '#domain/mail.ts';
import { getPilot, getUnit } from '#plan/lookup.ts';
import type { Party, Plan } from '#plan/schema.ts';
import { auditOnce, type Deps, loadPlan, sendOnce } from './deps.ts';

export const SendNoticeInputSchema = z.strictObject({
  notice: z.literal('mobilisation'),
  programmeId: z.string().min(1).max(64),
  pilotId: z.string().min(1).max(64),
  executionArn: z.string().min(1).max(2048),
});
export type SendNoticeInput = z.infer<typeof SendNoticeInputSchema>;

/**
 * Who a pilot's launch sends the mobilisation notice to: the lead and participant units (scoped to the
 * programme, so whichever pilot sends first sends theirs) and the pilot itself. Each contact of a party gets it
 * once per scope (the dashboard's launch preview lists the same).
 */
export function mobilisationRecipients(
  plan: Plan,
  pilotId: string,
): Array<{ party: Party; scopeId: string }> {
  const programmeId = plan.programme.id;
  const launch = plan.stages.launch;
  const units = [...new Set([launch.leadUnit, ...launch.participantUnits])].map((id) => getUnit(plan, id));
  const pilot = getPilot(plan, pilotId);
  return [
    ...units.map((party) => ({ party, scopeId: `${programmeId}#unit#${party.id}` })),
    { party: pilot, scopeId: `${programmeId}#pilot#${pilot.id}` },
  ];
}

export async function sendNotice(
  deps: Deps,
  input: SendNoticeInput,
): Promise<{ sent: number; recipients: number }> {
  const plan = await loadPlan(deps.store, input.programmeId);
  const recipients = mobilisationRecipients(plan, input.pilotId);
  let sent = 0;
  for (const { party, scopeId } of recipients) {
    const email = deps.texts.mobilisationNotice(plan, party, plan.pilots.length);
    for (const contact of party.contacts) {
      const key = `${scopeId}#${contact.email.toLowerCase()}`;
      if (
        !(await sendOnce(deps, 'mobilisation', key, {
          to: [contact.email],
          ...email,
          tags: { kind: 'notice', ...sourceTags(input) },
        }))
      ) {
        continue;
      }
      sent++;
      await auditOnce(deps, key, {
        programmeId: input.programmeId,
        pilotId: input.pilotId,
        at: deps.now().toISOString(),
        actor: 'system',
        action: 'notice.sent',
        executionArn: input.executionArn,
        summary: `Mobilisation notice sent to ${contact.email} (${party.id})`,
        details: { notice: input.notice, to: contact.email, party: party.id },
      });
    }
  }
  return { sent, recipients: recipients.reduce((n, r) => n + r.party.contacts.length, 0) };
}
