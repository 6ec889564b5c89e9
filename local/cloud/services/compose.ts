// The local cloud's composer: each service is started by its own module and hands back a handle with stop();
// they start in dependency order and stop in the reverse. A service that would record work failing under a
// stop also has halt(), which every stop calls before any service stops.

type Awaitable<T> = T | Promise<T>;

/** A started service, as its module hands it back. */
export interface Service {
  /** Stops it and everything it started; called once, in the reverse of the start order. */
  stop(): Awaitable<void>;
  /**
   * Makes it take no more work. Called first of all, in the stop's first synchronous step (the signal
   * handler's own call), before any service stops: the Step Functions runtime's engine stops there, so that
   * nothing failing because of the stop (a terminated sandbox, a closed server, DynamoDB Local gone with the
   * terminal's Ctrl-C) is recorded as a task's failure.
   */
  halt?(): Awaitable<void>;
}

function isService(value: unknown): value is Service {
  return typeof (value as Service | undefined)?.stop === 'function';
}

export class Services {
  private readonly running: Service[] = [];
  private stopping: Promise<void> | undefined;
  private readonly log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.log = log;
  }

  /** Keeps a started service for the stop. */
  add<T extends Service>(service: T): T {
    this.running.push(service);
    return service;
  }

  /** Starts a service (its module's start, already called) and keeps it for the stop. */
  async start<T extends Service>(starting: Promise<T>): Promise<T> {
    return this.add(await starting);
  }

  /**
   * Waits for starts that run side by side (the slow ones: a JVM, a synth). Whatever started and has a stop()
   * is kept, in the order given rather than the order they finished; the first failure is thrown once every
   * one has settled, so nothing started is left running.
   */
  async together<T extends readonly unknown[]>(starting: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
    const settled = await Promise.allSettled(starting);
    for (const result of settled) {
      if (result.status === 'fulfilled' && isService(result.value)) this.add(result.value);
    }
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
  }

  /**
   * Halts, then stops every service, last started first; safe to call twice. A service that fails to stop is
   * logged and the others still stop. Every halt begins within this call, before anything is awaited.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    const services = this.running.splice(0).reverse();
    await Promise.all(services.map((service) => this.attempt(() => service.halt?.())));
    for (const service of services) await this.attempt(() => service.stop());
  }

  private async attempt(step: () => Awaitable<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.log(`while stopping: ${(error as Error).message}`);
    }
  }
}
