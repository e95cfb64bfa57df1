/**
 * Worker threads that take tasks as they come and hand results back in the order the tasks were given, so
 * the main thread can run order-dependent steps (uniqueness rules, the report) on them. The number of tasks
 * in flight is bounded: submitting waits while the workers are behind, which keeps memory flat on big inputs.
 */
import { Worker } from "node:worker_threads";

/** What a pool worker posts back for each task. */
export type PoolReply<Result> = { seq: number; result: Result } | { seq: number; error: { message: string; code: string | undefined } };

export class OrderedPool<Task, Result> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { seq: number; task: Task }[] = [];
  private readonly done = new Map<number, Result>();
  private submitted = 0;
  private delivered = 0;
  private delivering: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private waiting: (() => void)[] = [];
  private closing = false;

  constructor(
    url: URL,
    workerData: unknown,
    size: number,
    /** Called with each result, in task order, one at a time. */
    private readonly deliver: (result: Result) => void | Promise<void>,
    private readonly maxInFlight = size * 3,
  ) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url, { workerData });
      worker.on("message", (reply: PoolReply<Result>) => this.received(worker, reply));
      worker.on("error", (error) => this.fail(error));
      // Workers only stop when told to: any other exit, even a clean one, would leave tasks unanswered.
      worker.on("exit", (code) => {
        if (!this.closing) this.fail(new Error(`a worker thread stopped (exit code ${code})`));
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Give a task; waits while too many are in flight. Throws the first failure of any task or delivery. */
  async submit(task: Task): Promise<void> {
    while (!this.failure && this.submitted - this.delivered >= this.maxInFlight) await this.change();
    this.throwIfFailed();
    this.queue.push({ seq: this.submitted++, task });
    this.dispatch();
  }

  /** Wait until every result is delivered, then stop the workers. */
  async finish(): Promise<void> {
    try {
      while (!this.failure && this.delivered < this.submitted) await this.change();
      this.throwIfFailed();
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) (this.idle.pop() as Worker).postMessage(this.queue.shift());
  }

  private received(worker: Worker, reply: PoolReply<Result>): void {
    if ("error" in reply) {
      // Keep the error's code: the main thread turns SQLITE_BUSY and friends into exit 4.
      this.fail(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      return;
    }
    this.idle.push(worker);
    this.dispatch();
    this.done.set(reply.seq, reply.result);
    this.delivering = this.delivering.then(() => this.deliverInOrder()).catch((error: Error) => this.fail(error));
  }

  private async deliverInOrder(): Promise<void> {
    while (!this.failure && this.done.has(this.delivered)) {
      const result = this.done.get(this.delivered) as Result;
      this.done.delete(this.delivered);
      await this.deliver(result);
      this.delivered++;
      this.wake();
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private change(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
