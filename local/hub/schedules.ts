/** Milliseconds between runs of an EventBridge schedule expression. */
export const scheduleIntervalMs = (expression: string): number => {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const unit = rate[2]?.startsWith('minute') ? 60_000 : rate[2]?.startsWith('hour') ? 3_600_000 : 86_400_000;
    return Number(rate[1]) * unit;
  }
  // A cron schedule runs once a day in the hub's stages (the daily money check); locally it runs daily too.
  if (/^cron\(.+\)$/.test(expression)) return 86_400_000;
  throw new Error(`unsupported schedule expression ${expression}`);
};

/**
 * The shortest interval a compressed schedule runs at. At 360 times the speed a one-minute schedule would run six
 * times a second, and the hub's schedules alone would keep a core busy; once a second is quick enough for any
 * scenario and leaves the machine to the work being tested.
 */
export const MIN_SCHEDULE_INTERVAL_MS = 1_000;

/** How long stopping the hub waits for a scheduled run still going. */
const STOP_GRACE_MS = 5_000;

/**
 * Runs `task` on the schedule's interval divided by `compression` (e.g. 60 turns 15 minutes into 15 s).
 * Returns the function that stops it. A run that is still going when the next is due is not overlapped.
 */
export const scheduleEvery = (
  expression: string,
  compression: number,
  task: () => Promise<unknown>,
): (() => Promise<void>) => {
  const interval = Math.max(MIN_SCHEDULE_INTERVAL_MS, scheduleIntervalMs(expression) / compression);
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (!running) running = task().finally(() => (running = undefined));
  }, interval);
  timer.unref();
  return async () => {
    clearInterval(timer);
    // A job may run for minutes (an Amazon push round drains until shortly before its timeout); stopping waits a
    // moment for it, then the function's workers are ended, which ends the run.
    await Promise.race([running, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
  };
};
