// The local cloud's composer (local/cloud/services/compose.ts): services stop in the reverse of their start
// order, a halt comes before any stop and begins within the stop call itself, and nothing started is left
// running when a start fails or a stop throws.
import { describe, expect, test } from 'vitest';
import { type Service, Services } from '#local/cloud/services/compose.ts';

function recorder() {
  const events: string[] = [];
  const service = (name: string, extra: Partial<Service> = {}): Service => ({
    stop: async () => {
      await Promise.resolve();
      events.push(`stop ${name}`);
    },
    ...extra,
  });
  return { events, service };
}

describe('the composer', () => {
  test('stops services last started first, after every halt', async () => {
    const { events, service } = recorder();
    const services = new Services(() => {});
    services.add(service('lock'));
    await services.start(Promise.resolve(service('database')));
    services.add(service('runtime', { halt: () => void events.push('halt runtime') }));
    services.add(service('servers'));
    await services.stop();
    expect(events).toEqual(['halt runtime', 'stop servers', 'stop runtime', 'stop database', 'stop lock']);
  });

  test('begins every halt within the stop call, before anything is awaited', () => {
    const { events, service } = recorder();
    const services = new Services(() => {});
    services.add(service('runtime', { halt: () => void events.push('halt runtime') }));
    services.add(service('servers', { halt: () => void events.push('halt servers') }));
    void services.stop();
    expect(events).toEqual(['halt servers', 'halt runtime']);
  });

  test('stops once, however often it is asked', async () => {
    const { events, service } = recorder();
    const services = new Services(() => {});
    services.add(service('one'));
    const first = services.stop();
    expect(services.stop()).toBe(first);
    await first;
    await services.stop();
    expect(events).toEqual(['stop one']);
  });

  test('logs a service that fails to stop, and stops the others', async () => {
    const { events, service } = recorder();
    const lines: string[] = [];
    const services = new Services((line) => lines.push(line));
    services.add(service('first'));
    services.add({
      stop: () => {
        throw new Error('port already closed');
      },
    });
    services.add(service('last'));
    await services.stop();
    expect(events).toEqual(['stop last', 'stop first']);
    expect(lines).toEqual(['while stopping: port already closed']);
  });

  test('keeps services started side by side in the order given, and leaves none running when one fails', async () => {
    const { events, service } = recorder();
    const services = new Services(() => {});
    const slow = new Promise<Service>((resolve) => setTimeout(() => resolve(service('slow')), 20));
    const fast = Promise.resolve(service('fast'));
    const failing = Promise.reject(new Error('no Java'));
    const synth = Promise.resolve({ dir: 'assembly' });
    await expect(services.together([slow, fast, failing, synth] as const)).rejects.toThrow('no Java');
    await services.stop();
    expect(events).toEqual(['stop fast', 'stop slow']);
  });

  test('hands back what started side by side, in the order given', async () => {
    const { service } = recorder();
    const services = new Services(() => {});
    const [database, synth] = await services.together([
      Promise.resolve({ ...service('database'), endpoint: 'http://db' }),
      Promise.resolve({ dir: 'assembly' }),
    ] as const);
    expect(database.endpoint).toBe('http://db');
    expect(synth.dir).toBe('assembly');
  });
});
