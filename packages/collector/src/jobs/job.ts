export interface JobSpec {
  /** Names the job in logs and in the clearview_job_* metrics. */
  name: string;
  everyMs: number;
  /**
   * One run; the next waits for it, so runs never overlap. A run that loops (a follower with a
   * backlog) checks `stopping` between its steps: shutdown waits for the run, not for the backlog.
   */
  run: (stopping: AbortSignal) => Promise<unknown>;
  /** Also run once at start. */
  runAtStart?: boolean;
}

/** What a job reports to: the collector's logger and metrics, or the delivery thread's forwarders to them. */
export interface JobDeps {
  logger: { error(fields: Record<string, unknown>, message: string): void };
  metrics: {
    jobRuns: { inc(labels: { job: string; outcome: 'ok' | 'failed' }): void };
    jobSeconds: { observe(labels: { job: string }, seconds: number): void };
  };
}

export interface RunningJob {
  readonly name: string;
  /** Runs now rather than at the next tick; during a run, once more as soon as it ends. */
  wake(): void;
  /** Stops the timer, tells a run in progress to stop after its current step, and waits for it. */
  stop(): Promise<void>;
}

/** Runs a background job on its own timer: never overlapping itself, timed and counted, failures logged, stopped on shutdown. */
export function startJob(spec: JobSpec, deps: JobDeps): RunningJob {
  let running: Promise<void> | null = null;
  let stopped = false;
  let again = false;
  const stopping = new AbortController();
  const tick = () => {
    if (running || stopped) return;
    const started = performance.now();
    running = spec
      .run(stopping.signal)
      .then(
        () => deps.metrics.jobRuns.inc({ job: spec.name, outcome: 'ok' }),
        (error: unknown) => {
          deps.metrics.jobRuns.inc({ job: spec.name, outcome: 'failed' });
          deps.logger.error({ err: error, job: spec.name }, 'background job failed');
        },
      )
      .finally(() => {
        deps.metrics.jobSeconds.observe({ job: spec.name }, (performance.now() - started) / 1000);
        running = null;
        if (again) {
          again = false;
          tick();
        }
      });
  };
  const timer = setInterval(tick, spec.everyMs);
  // A job never keeps the process alive on its own.
  timer.unref();
  if (spec.runAtStart) tick();
  return {
    name: spec.name,
    wake() {
      if (running) again = true;
      else tick();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}
