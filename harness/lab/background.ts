/**
 * Store-and-forward work that outlives the SMTP transaction (a real MTA
 * answers 250 and relays later). Jobs are tracked so stopping the lab can
 * cancel their retry waits and wait for them, leaving no stray timers.
 */
import type { Logger } from '../logger.ts';

export interface Background {
  /** Starts a job; its failure is logged, never thrown into the SMTP session. */
  run(name: string, job: (signal: AbortSignal) => Promise<void>): void;
  /** Resolves when no job is running (tests use it to wait for a queue to drain). */
  idle(): Promise<void>;
  /** Aborts every job's waits and waits for them to finish. */
  close(): Promise<void>;
}

export function createBackground(logger: Logger): Background {
  const controller = new AbortController();
  const running = new Set<Promise<void>>();
  return {
    run(name, job) {
      if (controller.signal.aborted) return;
      const p = job(controller.signal)
        .catch((e: unknown) => {
          if (!controller.signal.aborted) logger.error(`${name} failed`, { error: e instanceof Error ? e.message : String(e) });
        })
        .finally(() => running.delete(p));
      running.add(p);
    },
    async idle() {
      // Bounded: a job may start another (a bounce after a failed relay), at most a few levels deep.
      for (let i = 0; i < 10 && running.size > 0; i++) await Promise.allSettled([...running]);
    },
    async close() {
      controller.abort();
      await Promise.allSettled([...running]);
    },
  };
}
