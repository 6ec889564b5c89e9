// Message tags (SES event publishing carries them back with bounces and complaints).

/**
 * The tags that tie a message to where it came from: SES publishes them with its bounce and complaint events,
 * so the mail-events function records those in the right programme's, pilot's and task's history.
 */
export function sourceTags(source: {
  programmeId: string;
  pilotId?: string;
  taskId?: string;
}): Record<string, string> {
  return {
    programme: source.programmeId,
    ...(source.pilotId ? { pilot: source.pilotId } : {}),
    ...(source.taskId ? { task: source.taskId } : {}),
  };
}
