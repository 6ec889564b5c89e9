// The preview of an uploaded plan before it is launched (pure): its pilots, units and stage windows, and who
// is mailed what at launch, from the same code the launch runs (functions/domain/launch-mail.ts) and the
// mobilisation notice's own subject line.

import { type LaunchMail, launchMail } from '#domain/launch-mail.ts';
import type { Texts } from '#domain/mail.ts';
import { STAGES, type StageName } from '#plan/kinds.ts';
import { findParty, getUnit } from '#plan/lookup.ts';
import { stageWindow } from '#plan/schedule.ts';
import type { Plan } from '#plan/schema.ts';
import { type LocalText, lt } from '../i18n.ts';

export interface PlanPreviewView {
  sha256: string;
  source: string;
  locale: Plan['programme']['locale'];
  timeZone: string;
  programme: { programmeId: string; title: LocalText; leadUnit: LocalText };
  /** Launched before: not at all, with this very plan, or with another plan under its id (refused). */
  prior: 'none' | 'same' | 'different';
  stages: Array<{ stage: StageName; start: string; end: string }>;
  pilots: Array<{
    pilotId: string;
    name: LocalText;
    level: 'town' | 'community';
    type: LocalText;
    town?: LocalText;
    contacts: Array<{ name: string; email: string }>;
  }>;
  units: Array<{ unitId: string; name: LocalText; contacts: Array<{ name: string; email: string }> }>;
  mail: {
    at: string;
    emails: number;
    /** The mobilisation notice's subject, as the e-mail says it. */
    noticeSubject: string;
    recipients: Array<{
      name: string;
      email: string;
      party: LocalText;
      notices: LocalText[];
      acknowledges: LocalText[];
      requests: number;
    }>;
  };
}

const nameOf = (plan: Plan, id: string): LocalText => {
  const party = findParty(plan, id);
  return party ? lt(party.name, party.nameEn) : lt(id, id);
};

const people = (contacts: ReadonlyArray<{ name: string; email: string }>) =>
  contacts.map((c) => ({ name: c.name, email: c.email }));

export function planPreview(
  plan: Plan,
  upload: { sha256: string; source: string },
  prior: PlanPreviewView['prior'],
  texts: Pick<Texts, 'mobilisationNotice'>,
): PlanPreviewView {
  const mail: LaunchMail = launchMail(plan);
  const lead = getUnit(plan, plan.programme.leadUnit);
  return {
    sha256: upload.sha256,
    source: upload.source,
    locale: plan.programme.locale,
    timeZone: plan.programme.timezone,
    programme: {
      programmeId: plan.programme.id,
      title: lt(plan.programme.title, plan.programme.titleEn),
      leadUnit: lt(lead.name, lead.nameEn),
    },
    prior,
    stages: STAGES.map((stage) => {
      const window = stageWindow(plan, stage);
      return { stage, start: window.start.toISOString(), end: window.end.toISOString() };
    }),
    pilots: plan.pilots.map((p) => {
      const type = plan.pilotTypes.find((t) => t.id === p.type);
      return {
        pilotId: p.id,
        name: lt(p.name, p.nameEn),
        level: p.level,
        type: type ? lt(type.name, type.nameEn) : lt(p.type, p.type),
        ...(p.town ? { town: nameOf(plan, p.town) } : {}),
        contacts: people(p.contacts),
      };
    }),
    units: plan.units.map((u) => ({
      unitId: u.id,
      name: lt(u.name, u.nameEn),
      contacts: people(u.contacts),
    })),
    mail: {
      at: mail.at,
      emails: mail.emails,
      noticeSubject: texts.mobilisationNotice(plan, lead, plan.pilots.length).subject,
      recipients: mail.recipients.map((r) => ({
        name: r.name,
        email: r.email,
        party: nameOf(plan, r.partyId),
        notices: r.notices.map((id) => nameOf(plan, id)),
        acknowledges: r.acknowledges.map((id) => nameOf(plan, id)),
        requests: r.requests,
      })),
    },
  };
}
