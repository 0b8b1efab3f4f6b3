import { readScrape, type ScrapeSample } from '../results/scrape-sample.js';

/** Scrapes every `intervalMs` until stopped; a failed scrape is skipped (the target may be saturated). */
export class Scraper {
  readonly samples: ScrapeSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  failures = 0;

  constructor(
    private readonly fetchMetrics: () => Promise<string>,
    private readonly startedAt: () => number,
  ) {}

  /** Takes one sample now. */
  async sample(): Promise<ScrapeSample | undefined> {
    try {
      const text = await this.fetchMetrics();
      const s = readScrape(text, Math.round((Date.now() - this.startedAt()) / 100) / 10);
      this.samples.push(s);
      return s;
    } catch {
      this.failures++;
      return undefined;
    }
  }

  start(intervalMs = 1_000): void {
    this.timer = setInterval(() => {
      if (this.inFlight !== undefined) return; // never pile up scrapes on a slow target
      this.inFlight = this.sample().then(() => {
        this.inFlight = undefined;
      });
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}
