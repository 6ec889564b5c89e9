// The e-mail texts the domain asks for (its `Texts` port, functions/domain/mail.ts), in the plan's language.
import type { Texts } from '#domain/mail.ts';
import { renderDigestEmail } from './digest.ts';
import { renderEscalationEmail } from './escalation.ts';
import { renderFailureNotice, renderMobilisationNotice, renderStalledNotice } from './notices.ts';
import { renderPilotSummary, renderProgrammeSummary } from './summaries.ts';
import { renderBatchEmail, renderTaskEmail, taskTitle } from './task-email.ts';

export const emailTexts: Texts = {
  taskTitle,
  taskEmail: renderTaskEmail,
  batchEmail: renderBatchEmail,
  mobilisationNotice: renderMobilisationNotice,
  stalledNotice: renderStalledNotice,
  failureNotice: renderFailureNotice,
  pilotSummary: renderPilotSummary,
  programmeSummary: renderProgrammeSummary,
  escalationEmail: renderEscalationEmail,
  digestEmail: renderDigestEmail,
};
